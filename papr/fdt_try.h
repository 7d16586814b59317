/* Building a device tree with libfdt: return the first error. */
#ifndef PVMM_FDT_TRY_H
#define PVMM_FDT_TRY_H

#define TRY(expr)                    \
	do {                         \
		int err_ = (expr);   \
		if (err_ < 0)        \
			return err_; \
	} while (0)

#endif
