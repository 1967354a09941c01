#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
// One-line wrappers for libcurl's variadic functions, which Swift cannot call. No logic here.
#include <curl/curl.h>

static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) { return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback); }
static inline CURLcode ccurl_easy_setopt_header_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) { return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback); }
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return curl_easy_getinfo(handle, info, value); }
#endif
