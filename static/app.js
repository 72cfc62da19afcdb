// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', function () {
  // Library filters: apply a choice at once instead of waiting for the button.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
  // Registration documents: say at once when a chosen file is too large or not a JPG/PNG, before it is
  // sent. The server checks everything again; this only spares a slow upload on a phone.
  document.querySelectorAll('input[type=file][data-max-bytes]').forEach(function (input) {
    var note = document.getElementById(input.id + '-check');
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      var problem = '';
      if (file && file.size > Number(input.getAttribute('data-max-bytes'))) problem = input.getAttribute('data-too-large');
      else if (file && file.type && !/^image\/(jpeg|png)$/.test(file.type)) problem = input.getAttribute('data-not-image');
      input.setCustomValidity(problem);
      if (problem) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      if (note) {
        note.textContent = problem;
        note.hidden = !problem;
      }
    });
  });
  // After a refused form, take keyboard and screen-reader users straight to the list of problems.
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  // At the counter: a low tone for a refusal or an item that must not go back on the shelf, so staff
  // notice without looking at the screen.
  if (document.querySelector('[data-alert-sound]') && window.AudioContext) {
    try {
      var audio = new AudioContext();
      var tone = audio.createOscillator();
      tone.frequency.value = 220;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* sound is a courtesy */ }
  }
});
