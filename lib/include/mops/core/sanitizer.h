/* MOPS_ASAN: this file is built with AddressSanitizer (gcc or clang), for
 * the code that must tell the sanitizer what it does with memory
 * (recycle.c) or let it work (the sandbox). */
#ifndef MOPS_SANITIZER_H
#define MOPS_SANITIZER_H

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOPS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MOPS_ASAN 1
#endif

#endif
