// The body editor under our Content Security Policy (style-src 'self').
//
// Tiptap, inside django-prose-editor, adds its base styles to the page as an inline <style>
// element unless the editor is created with `injectCSS: false`; django-prose-editor 0.28 does
// not pass that option, so the browser blocks the element and reports a CSP violation on every
// edit page (tiptap's own answer is that option: ueberdosis/tiptap#2601). The injection is
// switched off here, before any editor is created, and editorial.css carries the few rules
// ProseMirror needs.
import { Editor } from "django-prose-editor/editor";

Editor.prototype.injectCSS = function injectCSS() {};
