#ifndef NDFLAT_CXLSXWRITER_SHIM_H
#define NDFLAT_CXLSXWRITER_SHIM_H

#include <string.h>
#include <xlsxwriter.h>

/* Sets the options one field at a time: the struct's layout differs between
 * libxlsxwriter releases (1.1.5 added output_buffer fields), so Swift never
 * spells it out. `tmpdir` may be NULL (the system default). */
static inline lxw_workbook *ndflat_xlsx_workbook_new(const char *filename, const char *tmpdir,
                                                    int constant_memory) {
  lxw_workbook_options options;
  memset(&options, 0, sizeof options);
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  options.tmpdir = (char *)tmpdir;
  options.use_zip64 = LXW_FALSE;
  return workbook_new_opt(filename, &options);
}

/* Turns on ZIP64 before workbook_close(): the packager reads this option only
 * when the file is assembled, so it can be decided once the data size is known. */
static inline void ndflat_xlsx_set_zip64(lxw_workbook *workbook, int enabled) {
  workbook->options.use_zip64 = enabled ? LXW_TRUE : LXW_FALSE;
}

#endif
