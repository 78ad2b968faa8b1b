#ifndef SERVER_DASHBOARD_CLIBSSH2_SHIM_H
#define SERVER_DASHBOARD_CLIBSSH2_SHIM_H

#include <libssh2.h>
#include <string.h>

/*
 * Most of libssh2's convenience API is function-like macros, which Swift cannot
 * call. Each wrapper below is the macro of the same name without the `shim_`
 * prefix, calling the `_ex` form it expands to.
 */

static inline LIBSSH2_SESSION *shim_libssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline int shim_libssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline int shim_libssh2_userauth_password(LIBSSH2_SESSION *session, const char *username, const char *password) {
    return libssh2_userauth_password_ex(session, username, (unsigned int)strlen(username), password, (unsigned int)strlen(password), NULL);
}

static inline int shim_libssh2_userauth_publickey_fromfile(LIBSSH2_SESSION *session, const char *username, const char *publickey, const char *privatekey, const char *passphrase) {
    return libssh2_userauth_publickey_fromfile_ex(session, username, (unsigned int)strlen(username), publickey, privatekey, passphrase);
}

static inline LIBSSH2_CHANNEL *shim_libssh2_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline int shim_libssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command, (unsigned int)strlen(command));
}

static inline ssize_t shim_libssh2_channel_read(LIBSSH2_CHANNEL *channel, char *buf, size_t buflen) {
    return libssh2_channel_read_ex(channel, 0, buf, buflen);
}

static inline ssize_t shim_libssh2_channel_read_stderr(LIBSSH2_CHANNEL *channel, char *buf, size_t buflen) {
    return libssh2_channel_read_ex(channel, SSH_EXTENDED_DATA_STDERR, buf, buflen);
}

static inline ssize_t shim_libssh2_channel_write(LIBSSH2_CHANNEL *channel, const char *buf, size_t buflen) {
    return libssh2_channel_write_ex(channel, 0, buf, buflen);
}

#endif
