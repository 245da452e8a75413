// Shows the room name from the status API, so the page names the display it belongs to.
(async () => {
  try {
    const response = await fetch('/api/v1/status', { cache: 'no-store' });
    if (!response.ok) return;
    const status = await response.json();
    document.getElementById('room').textContent = status.room.name;
    document.title = `${status.room.name} · presentd`;
  } catch (error) {
    document.getElementById('state').textContent = 'The display could not be reached.';
  }
})();
