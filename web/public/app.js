// The only client script: a form sends once (a second tap on a slow tablet would send the Update twice).
document.addEventListener('submit', (event) => {
  const button = event.target.querySelector('button');
  if (button) setTimeout(() => { button.disabled = true; }, 0);
});
