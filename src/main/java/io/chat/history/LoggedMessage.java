package io.chat.history;

import java.util.Optional;

/** A message as the log keeps it: with the clientId its row carries, so that a replay restores the row whole. */
record LoggedMessage(StoredMessage message, Optional<String> clientId) {}
