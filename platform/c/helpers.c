/*
 * A helper of the C part in a file of its own, which the other file
 * reaches through a symbol, as a C library's files reach each other's. Like
 * such libraries' internals (built with -fvisibility=hidden), it is hidden
 * from the binary's users: the linker turns it into a local symbol, which a
 * release must not carry. PE has no such visibility.
 */
#include <stddef.h>

#if defined(_WIN32)
#define LIBRARY_INTERNAL
#else
#define LIBRARY_INTERNAL __attribute__((visibility("hidden")))
#endif

/* How many bits `bytes` bytes hold. */
LIBRARY_INTERNAL unsigned platform_c_bits_in(size_t bytes)
{
    return (unsigned)(bytes * 8);
}
