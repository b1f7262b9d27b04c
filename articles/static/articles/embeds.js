// Click-to-load embeds in story bodies (templates/articles/body/embed.html): the
// provider's player is only requested once the reader presses the button, so the page
// makes no request to the provider, and it sets no cookie, before that.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".embed__load");
  const embed = button && button.closest(".embed[data-embed-player]");
  if (!embed) return;
  const player = document.createElement("iframe");
  player.src = embed.dataset.embedPlayer;
  player.title = embed.dataset.embedTitle;
  player.allow = "fullscreen; picture-in-picture; encrypted-media";
  player.referrerPolicy = "strict-origin-when-cross-origin";
  embed.querySelector(".embed__placeholder").replaceWith(player);
  player.focus();
});
