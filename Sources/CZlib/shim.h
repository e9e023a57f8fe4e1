#ifndef NDFLAT_CZLIB_SHIM_H
#define NDFLAT_CZLIB_SHIM_H

#include <zlib.h>

/* inflateInit2 is a macro Swift cannot see: a function in its place. */
static inline int ndflat_inflate_init2(z_streamp stream, int windowBits) {
  return inflateInit2(stream, windowBits);
}

#endif
