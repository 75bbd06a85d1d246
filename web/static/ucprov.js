// ucprov web admin: move options between the two list boxes of a VPN gateway
// or group without a round trip, and ask before a delete.  Without this file the
// pages still work: every move button is a submit button the server handles.
'use strict';

function syncListbox(box) {
  const chosen = box.querySelector('select[data-role=selected]');
  const hidden = box.querySelector('input[type=hidden][data-role=value]');
  hidden.value = Array.from(chosen.options).map((o) => o.value).join(',');
}

function moveOptions(box, how) {
  const avail = box.querySelector('select[data-role=available]');
  const chosen = box.querySelector('select[data-role=selected]');
  const picked = (sel) => Array.from(sel.selectedOptions);
  if (how === 'add') {
    picked(avail).forEach((o) => chosen.appendChild(o));
  } else if (how === 'remove') {
    picked(chosen).forEach((o) => avail.appendChild(o));
  } else if (how === 'up') {
    picked(chosen).forEach((o) => {
      if (o.previousElementSibling && !o.previousElementSibling.selected)
        chosen.insertBefore(o, o.previousElementSibling);
    });
  } else if (how === 'down') {
    picked(chosen).reverse().forEach((o) => {
      if (o.nextElementSibling && !o.nextElementSibling.selected)
        chosen.insertBefore(o.nextElementSibling, o);
    });
  }
  syncListbox(box);
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-listbox]').forEach((box) => {
    box.querySelectorAll('button[data-move]').forEach((button) => {
      button.addEventListener('click', (event) => {
        event.preventDefault();
        moveOptions(box, button.dataset.move);
      });
    });
    const avail = box.querySelector('select[data-role=available]');
    const chosen = box.querySelector('select[data-role=selected]');
    avail.addEventListener('dblclick', () => moveOptions(box, 'add'));
    chosen.addEventListener('dblclick', () => moveOptions(box, 'remove'));
  });
  document.querySelectorAll('button[data-confirm]').forEach((button) => {
    button.addEventListener('click', (event) => {
      if (!window.confirm(button.dataset.confirm))
        event.preventDefault();
    });
  });
});
