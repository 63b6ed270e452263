// Pictures from the library in an article's text.
//
// On the article form: the "Insert a picture from the library" button opens the chooser in a
// window of its own and, when a picture is chosen there, puts it into the text editor as a
// figure (picture, description, caption). On the chooser page: choosing a picture hands it back
// to the window that opened it.
//
// The answer travels the way django-prose-editor's own "Browse..." button expects (the CKEditor
// file browser convention: window.CKEDITOR.tools.callFunction(number, address, details)), so
// that button can open the same chooser. Each side answers only to the numbers it handed out:
// ours count up from 1, the editor's count down from -1.

const callbacks = new Map();
let lastNumber = 0;

function editorNear(button) {
  // Tiptap keeps each editor on its writing area (view.dom.editor); the menu bar's previews
  // are writing areas too, without one.
  const row = button.closest(".form-row");
  const areas = row ? row.querySelectorAll(".ProseMirror") : [];
  return Array.from(areas).map((area) => area.editor).find(Boolean);
}

function listenForChoices() {
  window.CKEDITOR = window.CKEDITOR || {};
  window.CKEDITOR.tools = window.CKEDITOR.tools || {};
  const earlier = window.CKEDITOR.tools.callFunction;
  if (earlier && earlier.picturesFromTheLibrary) {
    return;
  }
  const answer = (number, ...details) => {
    if (earlier) {
      earlier.call(window.CKEDITOR.tools, number, ...details);
    }
    const callback = callbacks.get(Number(number));
    if (callback) {
      callbacks.delete(Number(number));
      callback(...details);
    }
  };
  answer.picturesFromTheLibrary = true;
  window.CKEDITOR.tools.callFunction = answer;
}

function figureOf(address, details) {
  const content = [{ type: "image", attrs: { src: address, alt: details.alternative_text || "" } }];
  if (details.caption) {
    content.push({ type: "caption", content: [{ type: "text", text: details.caption }] });
  }
  return { type: "figure", content };
}

function setUpInsertButton(button) {
  button.addEventListener("click", () => {
    const editor = editorNear(button);
    if (!editor) {
      return;
    }
    listenForChoices();
    lastNumber += 1;
    callbacks.set(lastNumber, (address, details = {}) => {
      editor.chain().focus().insertContent(figureOf(address, details)).run();
    });
    const url = new URL(button.dataset.chooserUrl, window.location.href);
    url.searchParams.set("CKEditorFuncNum", String(lastNumber));
    window.open(url.toString(), "picture-chooser", "width=900,height=700");
  });
}

function setUpChooser(page) {
  const number = page.dataset.callback;
  const opener = window.opener;
  const canAnswer = number && opener && opener.CKEDITOR && opener.CKEDITOR.tools;
  if (!canAnswer) {
    page.querySelector(".picture-chooser__no-editor").hidden = false;
  }
  page.querySelectorAll(".picture-chooser__choice").forEach((choice) => {
    choice.disabled = !canAnswer;
    choice.addEventListener("click", () => {
      opener.CKEDITOR.tools.callFunction(Number(number), choice.dataset.url, {
        alternative_text: choice.dataset.alt,
        caption: choice.dataset.caption,
      });
      window.close();
    });
  });
}

function start() {
  document.querySelectorAll("button[data-chooser-url]").forEach(setUpInsertButton);
  const chooser = document.querySelector("#content-main.picture-chooser");
  if (chooser) {
    setUpChooser(chooser);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
