// A form with a data-confirm attribute asks its question before it is sent; "Cancel"
// keeps the page as it is. Kept out of the templates so the pages need no inline script.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
