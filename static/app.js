// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', function () {
  // Library filters: apply a choice at once instead of waiting for the button.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
  // After a refused form, take keyboard and screen-reader users straight to the list of problems.
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
});
