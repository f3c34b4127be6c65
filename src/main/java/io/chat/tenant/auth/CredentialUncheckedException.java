package io.chat.tenant.auth;

/**
 * The credential could not be checked (the session store failed or its reads are queued to their bound): neither
 * accepted nor refused. Not the user's fault, so never answered as "unauthorized", which would sign them out; the
 * caller says "try again later". Carries no message of its cause: store messages may quote keys.
 */
public final class CredentialUncheckedException extends RuntimeException {
    CredentialUncheckedException() {
        super("credential could not be checked", null, false, false);
    }
}
