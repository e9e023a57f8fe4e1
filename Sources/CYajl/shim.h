#ifndef NDFLAT_CYAJL_SHIM_H
#define NDFLAT_CYAJL_SHIM_H

#include <yajl/yajl_parse.h>
#include <yajl/yajl_gen.h>

/* yajl_config is C-variadic, which Swift cannot call: one fixed-arity wrapper. */
static inline int ndflat_yajl_config(yajl_handle handle, yajl_option option, int enabled) {
  return yajl_config(handle, option, enabled);
}

#endif
