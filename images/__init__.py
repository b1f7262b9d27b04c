"""Image-file helpers shared by photos and authors: upload checks, metadata removal, share descriptions."""
