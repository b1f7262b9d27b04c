// Add a live blog's new entries to the page as they are posted, without a reload.
// The page works without this script: the newest entries are there when it loads.
(function () {
  "use strict";
  var list = document.querySelector(".live-blog__entries[data-poll-url]");
  if (!list || !list.dataset.pollUrl) {
    return;
  }
  var every = (Number(list.dataset.pollSeconds) || 15) * 1000;
  var cursor = list.dataset.cursor || "";

  function add(entries) {
    entries.forEach(function (entry) {
      if (document.getElementById("entry-" + entry.id)) {
        return;
      }
      var template = document.createElement("template");
      template.innerHTML = entry.html.trim();
      var empty = list.querySelector(".live-blog__empty");
      if (empty) {
        empty.remove();
      }
      list.insertBefore(template.content.firstElementChild, list.firstElementChild);
    });
  }

  function poll() {
    var url = list.dataset.pollUrl + (cursor ? "?after=" + encodeURIComponent(cursor) : "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          window.setTimeout(poll, every * 2);
          return;
        }
        add(data.entries);
        cursor = data.cursor || cursor;
        if (data.is_live) {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () {
        window.setTimeout(poll, every * 2);
      });
  }

  window.setTimeout(poll, every);
})();
