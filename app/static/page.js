// Loaded in <head>, not deferred, so it runs before the first paint: it marks the page as
// scripted (the stylesheet then folds the header's menu away on a narrow screen) and
// listens on the document, so it needs nothing of the page to exist yet. Without scripts
// the menu simply stays open and the error summary is a list of ordinary links.
document.documentElement.classList.add("js");

// The menu button of a narrow screen opens and closes the site's menu; Escape closes it
// and gives the focus back to the button.
function setMenu(button, open) {
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.closest(".site-header").classList.toggle("menu-open", open);
}

document.addEventListener("click", function (event) {
  var button = event.target.closest(".menu-button");
  if (button) {
    setMenu(button, button.getAttribute("aria-expanded") !== "true");
  }
});

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var header = event.target.closest && event.target.closest(".site-header.menu-open");
  if (header) {
    var button = header.querySelector(".menu-button");
    setMenu(button, false);
    button.focus();
  }
});

// A form that came back with errors: the summary at the top takes the focus (a screen
// reader reads it out), and each of its links moves the focus to its field, scrolling the
// field's label into view with it (a plain #id link would only scroll to the input).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

document.addEventListener("click", function (event) {
  var link = event.target.closest(".error-summary a[href^='#']");
  if (!link) return;
  var id = decodeURIComponent(link.getAttribute("href").slice(1));
  var target = document.getElementById(id) || document.getElementById(id + "-0");
  if (!target) return;
  if (!target.matches("input, select, textarea, button")) {
    target = target.querySelector("input, select, textarea, button") || target;
  }
  var closed = target.closest("details:not([open])");
  if (closed) closed.open = true;
  event.preventDefault();
  var label = target.id && document.querySelector("label[for='" + target.id + "']");
  var legend = target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
  (label || legend || target).scrollIntoView();
  target.focus({ preventScroll: true });
  history.replaceState(null, "", "#" + id);
});
