// The story body editor's blocks (django-prose-editor extensions, named in
// articles/html.py EDITOR_EXTENSIONS): library photos, galleries, embeds, pull quotes
// and fact boxes. Each is stored as the structured element the sanitiser allows
// (articles/html.py) and shown here as a simple preview box; readers' markup is made
// from it at display time (articles/body.py). The server checks everything again.
import { Node, updateAttrsDialog } from "django-prose-editor/editor"

const BOX_STYLE =
  "display:flex;gap:.75rem;align-items:center;margin:.75rem 0;padding:.5rem .75rem;" +
  "border:1px dashed #888;border-radius:4px;background:#f6f3ec;font:14px/1.4 sans-serif;cursor:pointer"

function element(tag, properties = {}, children = []) {
  const node = Object.assign(document.createElement(tag), properties)
  node.append(...children)
  return node
}

// Insert a block at the cursor; when a block is selected (as one is just after being
// inserted), after it rather than in its place.
function insertBlock(editor, content) {
  const { selection } = editor.state
  const chain = editor.chain().focus()
  ;(selection.node ? chain.insertContentAt(selection.to, content) : chain.insertContent(content)).run()
}

function dataAttribute(name) {
  return {
    default: "",
    parseHTML: (node) => node.getAttribute(`data-${name}`) || "",
    renderHTML: (attributes) => ({ [`data-${name}`]: attributes[name] || "" }),
  }
}

// The photos the picker offers: {id, alt, caption, credit, thumbnail}, from the photo admin.
async function findPhotos(url, query) {
  const response = await fetch(`${url}?${new URLSearchParams({ q: query })}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`The photo library answered ${response.status}.`)
  return (await response.json()).results
}

// One photo of the library by its id, asked for once per page however often a preview redraws.
const libraryPhotos = new Map()
function libraryPhoto(url, id) {
  if (!libraryPhotos.has(id)) {
    libraryPhotos.set(
      id,
      findPhotos(url, id).then(
        (photos) => photos.find((photo) => photo.id === Number(id)) || null,
        () => ({ id: Number(id), thumbnail: "" }),
      ),
    )
  }
  return libraryPhotos.get(id)
}

// A dialog to search the library and pick one photo, or several in order for a gallery.
// Resolves with the chosen photos, or null when cancelled.
function pickPhotos(editor, options, { multiple = false } = {}) {
  return new Promise((resolve) => {
    const chosen = []
    const search = element("input", { type: "search", placeholder: "Search the library", size: 40 })
    const results = element("div", { className: "body-photo-picker__results" })
    results.style.cssText = "display:grid;grid-template-columns:repeat(auto-fill,minmax(7rem,1fr));gap:.5rem;max-height:50vh;overflow:auto;margin:.5rem 0"
    const status = element("p", { role: "status" })
    const done = element("button", { type: "button", textContent: multiple ? "Insert gallery" : "Cancel" })
    const cancel = element("button", { type: "button", textContent: "Cancel" })
    const upload = element("a", {
      href: options.uploadUrl,
      target: "_blank",
      rel: "noopener",
      textContent: "Add a photo to the library (new tab), then search again",
    })
    const dialog = element("dialog", { className: "prose-editor-dialog body-photo-picker" }, [
      element("h3", { className: "prose-editor-dialog-title", textContent: multiple ? "Photos for the gallery" : "Insert a photo" }),
      search,
      status,
      results,
      element("p", {}, [upload]),
      element("div", { className: "prose-editor-dialog-buttons" }, multiple ? [done, cancel] : [cancel]),
    ])
    let finished = false
    const finish = (value) => {
      if (finished) return
      finished = true
      dialog.close()
      dialog.remove()
      resolve(value)
    }
    const describe = () => {
      status.textContent = multiple ? `${chosen.length} chosen, in the order clicked.` : status.textContent
    }
    const show = async () => {
      status.textContent = "Searching…"
      try {
        const photos = await findPhotos(options.pickerUrl, search.value.trim())
        results.replaceChildren(
          ...photos.map((photo) => {
            const button = element("button", { type: "button", title: `${photo.alt} (${photo.credit})`, className: "body-photo-picker__photo" }, [
              photo.thumbnail ? element("img", { src: photo.thumbnail, alt: photo.alt, width: 112 }) : element("span", { textContent: photo.alt }),
            ])
            button.dataset.photo = photo.id
            button.setAttribute("aria-pressed", String(chosen.some((item) => item.id === photo.id)))
            button.addEventListener("click", () => {
              if (!multiple) return finish([photo])
              const at = chosen.findIndex((item) => item.id === photo.id)
              if (at >= 0) chosen.splice(at, 1)
              else chosen.push(photo)
              button.setAttribute("aria-pressed", String(at < 0))
              button.style.outline = at < 0 ? "3px solid #0a6" : ""
              describe()
            })
            return button
          }),
        )
        status.textContent = photos.length ? "" : "No photo matches."
        describe()
      } catch (error) {
        status.textContent = error.message
      }
    }
    let timer
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(show, 250)
    })
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault()
    })
    done.addEventListener("click", () => finish(chosen.length ? chosen : null))
    cancel.addEventListener("click", () => finish(null))
    dialog.addEventListener("close", () => finish(null))
    editor.view.dom.parentElement.append(dialog)
    dialog.showModal()
    show()
  })
}

// A preview box for an atom block; a double click edits its attributes.
function previewView(describe, edit) {
  return ({ node, editor, getPos }) => {
    const dom = element("div", { className: "body-block", contentEditable: "false" })
    dom.style.cssText = BOX_STYLE
    const render = (current) => dom.replaceChildren(...describe(current, editor))
    render(node)
    dom.addEventListener("dblclick", async () => {
      const attributes = await edit(editor, node.attrs)
      if (attributes) editor.chain().setNodeSelection(getPos()).updateAttributes(node.type.name, attributes).focus().run()
    })
    return {
      dom,
      update(updated) {
        if (updated.type !== node.type) return false
        node = updated
        render(updated)
        return true
      },
    }
  }
}

const captionDialog = (title) =>
  updateAttrsDialog(
    {
      caption: { title: "Caption", description: "Left empty, the photo's own caption is shown." },
      credit: { title: "Credit", description: "Left empty, the photo's own credit is shown." },
    },
    { title, submitText: "Save" },
  )

export const BodyPhoto = Node.create({
  name: "bodyPhoto",
  group: "block",
  atom: true,
  draggable: true,
  addOptions: () => ({ pickerUrl: "", uploadUrl: "" }),
  addAttributes: () => ({ photo: dataAttribute("photo"), caption: dataAttribute("caption"), credit: dataAttribute("credit") }),
  parseHTML: () => [{ tag: "figure[data-photo]" }],
  renderHTML: ({ HTMLAttributes }) => ["figure", HTMLAttributes],
  addNodeView() {
    const { pickerUrl } = this.options
    return previewView(
      (node) => {
        const image = element("img", { alt: "", width: 96 })
        const label = element("span", { textContent: `Photo ${node.attrs.photo}${node.attrs.caption ? `: ${node.attrs.caption}` : ""}` })
        libraryPhoto(pickerUrl, node.attrs.photo).then((photo) => {
          if (!photo) label.append(" (not in the library: take it out)")
          else if (photo.thumbnail) image.src = photo.thumbnail
        })
        return [image, label]
      },
      (editor, attrs) => captionDialog("Photo caption and credit")(editor, attrs),
    )
  },
  addMenuItems({ menu, buttons }) {
    const options = this.options
    menu.defineItem({
      name: "bodyPhoto",
      groups: "nodes",
      button: buttons.material("image", "Insert a photo from the library"),
      async command(editor) {
        const [photo] = (await pickPhotos(editor, options)) || []
        if (!photo) return
        const text = await captionDialog("Caption and credit for this story")(editor, { caption: photo.caption, credit: photo.credit })
        if (!text) return
        // Stored empty when unchanged: the photo's own caption and credit then follow later edits in the library.
        const caption = text.caption === photo.caption ? "" : text.caption
        const credit = text.credit === photo.credit ? "" : text.credit
        insertBlock(editor, { type: "bodyPhoto", attrs: { photo: String(photo.id), caption, credit } })
      },
    })
  },
})

export const BodyGallery = Node.create({
  name: "bodyGallery",
  group: "block",
  atom: true,
  draggable: true,
  addOptions: () => ({ pickerUrl: "", uploadUrl: "" }),
  addAttributes: () => ({ gallery: dataAttribute("gallery"), caption: dataAttribute("caption") }),
  parseHTML: () => [{ tag: "figure[data-gallery]" }],
  renderHTML: ({ HTMLAttributes }) => ["figure", HTMLAttributes],
  addNodeView() {
    const galleryDialog = updateAttrsDialog(
      { gallery: { title: "Photo numbers, in order" }, caption: { title: "Caption" } },
      { title: "Gallery", submitText: "Save" },
    )
    return previewView(
      (node) => [
        element("strong", { textContent: "Gallery" }),
        element("span", { textContent: `photos ${node.attrs.gallery}${node.attrs.caption ? `: ${node.attrs.caption}` : ""}` }),
      ],
      (editor, attrs) => galleryDialog(editor, attrs),
    )
  },
  addMenuItems({ menu, buttons }) {
    const options = this.options
    menu.defineItem({
      name: "bodyGallery",
      groups: "nodes",
      button: buttons.material("photo_library", "Insert a gallery"),
      async command(editor) {
        const photos = await pickPhotos(editor, options, { multiple: true })
        if (!photos) return
        const text = await updateAttrsDialog({ caption: { title: "Caption of the gallery" } }, { title: "Gallery", submitText: "Insert" })(editor, {})
        if (!text) return
        const gallery = photos.map((photo) => photo.id).join(" ")
        insertBlock(editor, { type: "bodyGallery", attrs: { gallery, caption: text.caption } })
      },
    })
  },
})

// Asks the server whether a link may be embedded: the allow-list lives in the settings.
async function checkEmbed(url, link) {
  const response = await fetch(`${url}?${new URLSearchParams({ url: link })}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok && response.status !== 400) return { ok: false, error: `The check failed (${response.status}); try again.` }
  return response.json()
}

async function askForEmbed(editor, checkUrl, attrs) {
  let problem = ""
  for (;;) {
    const fields = {
      embed: { title: "Link to the video or post", description: problem, required: true },
      title: { title: "Title", description: "Shown to readers before they choose to load it." },
    }
    const answer = await updateAttrsDialog(fields, { title: "Embed", submitText: "Embed" })(editor, attrs)
    if (!answer) return null
    const result = await checkEmbed(checkUrl, answer.embed.trim())
    if (result.ok) return { embed: answer.embed.trim(), title: answer.title }
    problem = result.error
    attrs = answer
  }
}

export const BodyEmbed = Node.create({
  name: "bodyEmbed",
  group: "block",
  atom: true,
  draggable: true,
  addOptions: () => ({ checkUrl: "" }),
  addAttributes: () => ({ embed: dataAttribute("embed"), title: dataAttribute("title") }),
  parseHTML: () => [{ tag: "figure[data-embed]" }],
  renderHTML: ({ HTMLAttributes }) => ["figure", HTMLAttributes],
  addNodeView() {
    const { checkUrl } = this.options
    return previewView(
      (node) => [element("strong", { textContent: "Embed" }), element("span", { textContent: `${node.attrs.title || ""} ${node.attrs.embed}` })],
      (editor, attrs) => askForEmbed(editor, checkUrl, attrs),
    )
  },
  addMenuItems({ menu, buttons }) {
    const { checkUrl } = this.options
    menu.defineItem({
      name: "bodyEmbed",
      groups: "nodes",
      button: buttons.material("smart_display", "Embed a video or post"),
      async command(editor) {
        const attrs = await askForEmbed(editor, checkUrl, {})
        if (attrs) insertBlock(editor, { type: "bodyEmbed", attrs })
      },
    })
  },
})

export const Attribution = Node.create({
  name: "attribution",
  content: "inline*",
  defining: true,
  parseHTML: () => [{ tag: "p[data-attribution]", priority: 100 }],
  renderHTML: () => ["p", { "data-attribution": "", style: "font-style:normal;font-size:.9em" }, 0],
})

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "paragraph+ attribution?",
  defining: true,
  parseHTML: () => [{ tag: "aside[data-pullquote]" }],
  renderHTML: () => ["aside", { "data-pullquote": "", style: "border-left:4px solid #b33;padding-left:1rem;font-style:italic;font-size:1.2em" }, 0],
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "nodes",
      button: buttons.material("format_quote", "Insert a pull quote"),
      command(editor) {
        insertBlock(editor, {
          type: "pullQuote",
          content: [
            { type: "paragraph", content: [{ type: "text", text: "The quote" }] },
            { type: "attribution", content: [{ type: "text", text: "Who said it" }] },
          ],
        })
      },
    })
  },
})

export const FactBox = Node.create({
  name: "factBox",
  group: "block",
  content: "block+",
  defining: true,
  parseHTML: () => [{ tag: "aside[data-factbox]" }],
  renderHTML: () => ["aside", { "data-factbox": "", style: "background:#f6f3ec;border-top:3px solid #b33;padding:.5rem 1rem" }, 0],
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "factBox",
      groups: "nodes",
      button: buttons.material("info", "Insert a fact box"),
      command(editor) {
        insertBlock(editor, {
          type: "factBox",
          content: [
            { type: "heading", attrs: { level: 3 }, content: [{ type: "text", text: "Fact box" }] },
            { type: "paragraph", content: [{ type: "text", text: "The facts." }] },
          ],
        })
      },
    })
  },
})
