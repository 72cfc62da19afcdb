// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', function () {
  // Library filters: apply a choice at once instead of waiting for the button.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
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
