"""The shared kernel: pieces every app uses (domain errors, input parsing, uploads, the notification
outbox, exports, the form → service → re-render helper). It imports no app of the platform."""
