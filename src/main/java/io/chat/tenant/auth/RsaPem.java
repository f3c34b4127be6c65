package io.chat.tenant.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads the RSA public key of an RS256 tenant from SPKI PEM ({@code -----BEGIN PUBLIC KEY-----}). */
final class RsaPem {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";
    // Below 2048 bits an RSA key is considered breakable (NIST SP 800-131A); refuse it up front.
    static final int MIN_BITS = 2048;

    private RsaPem() {}

    /** The key, or {@link IllegalArgumentException} saying what is wrong with the PEM (never echoing it). */
    static RSAPublicKey parse(String pem) {
        String text = pem.strip();
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin != 0 || end < 0 || !text.endsWith(END)) {
            // PKCS#1 ("BEGIN RSA PUBLIC KEY") and certificates land here too: the contract asks for SPKI.
            throw new IllegalArgumentException("publicKeyPem must be one SPKI PEM block (-----BEGIN PUBLIC KEY-----)");
        }
        String body = text.substring(BEGIN.length(), end);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publicKeyPem is not valid base64");
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("publicKeyPem is not an RSA public key");
        }
        if (!(key instanceof RSAPublicKey rsa)) {
            throw new IllegalArgumentException("publicKeyPem is not an RSA public key");
        }
        if (rsa.getModulus().bitLength() < MIN_BITS) {
            throw new IllegalArgumentException("publicKeyPem must be an RSA key of at least " + MIN_BITS + " bits");
        }
        return rsa;
    }
}
