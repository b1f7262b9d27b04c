"""How an image is described to feeds, link previews and structured data."""

import mimetypes
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ShareImage:
    """An image as other sites see it: address, size, type and alternative text."""

    url: str
    width: int | None = None
    height: int | None = None
    content_type: str = ""
    alt: str = ""

    @classmethod
    def from_file(cls, image, *, alt="", width=None, height=None):
        """Describe a stored image file; return None when the field holds no file."""
        if not image:
            return None
        content_type, _encoding = mimetypes.guess_type(image.name)
        return cls(url=image.url, width=width, height=height, content_type=content_type or "", alt=alt)

    def absolute(self, request):
        """Return a copy whose URL is absolute, as feeds and link previews need."""
        return replace(self, url=request.build_absolute_uri(self.url))
