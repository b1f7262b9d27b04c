/*
 * Article change form: every NEWSROOM_AUTOSAVE_SECONDS, send the headline, standfirst and
 * body to the server if they changed (an autosave, not a revision), or else just say the
 * form is still open. The answer tells who else has the article open and whether someone
 * saved it since this form was loaded.
 */
"use strict";
(function () {
    const status = document.getElementById("editing-status");
    if (!status || !status.dataset.autosaveUrl) {
        return;
    }
    const form = status.closest("form");
    const fields = ["headline", "standfirst", "body"];
    const seconds = Number(status.dataset.autosaveSeconds) || 30;
    const versionInput = status.querySelector("[data-loaded-version]");
    const stateText = status.querySelector("[data-autosave-state]");
    const presenceText = status.querySelector("[data-presence]");
    const newerText = status.querySelector("[data-newer]");

    function csrfToken() {
        return form.querySelector("input[name=csrfmiddlewaretoken]").value;
    }

    function currentText() {
        const values = {};
        for (const name of fields) {
            // The body's rich-text editor keeps its textarea up to date.
            const element = form.elements.namedItem(name);
            values[name] = element ? element.value : "";
        }
        return values;
    }

    function show(element, text) {
        element.textContent = text;
        element.hidden = !text;
    }

    let lastSent = currentText();
    let timer = null;

    async function ping() {
        const values = currentText();
        const changed = fields.some((name) => values[name] !== lastSent[name]);
        const data = new FormData();
        data.append("loaded_version", versionInput.value);
        if (changed) {
            for (const name of fields) {
                data.append(name, values[name]);
            }
        }
        try {
            const response = await fetch(status.dataset.autosaveUrl, {
                method: "POST",
                body: data,
                credentials: "same-origin",
                headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"},
            });
            if (!response.ok) {
                throw new Error(String(response.status));
            }
            const answer = await response.json();
            if (changed) {
                lastSent = values;
                stateText.textContent = answer.saved;
            }
            show(presenceText, answer.others);
            show(newerText, answer.newer);
        } catch (error) {
            stateText.textContent = gettext("Could not keep a draft of your text on the server; keep this page open and save soon.");
        }
    }

    timer = window.setInterval(ping, seconds * 1000);
    form.addEventListener("submit", () => window.clearInterval(timer));

    const discard = status.querySelector("[data-discard-url]");
    if (discard) {
        discard.addEventListener("click", async () => {
            const response = await fetch(discard.dataset.discardUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"},
            });
            if (response.ok) {
                const offer = status.querySelector("[data-autosave-offer]");
                offer.textContent = gettext("Your unsaved changes were discarded.");
            }
        });
    }
})();
