/* The guest's HPT as an HPT stream, saved from and loaded into a VM. */
#ifndef PVMM_MIGRATE_HTAB_H
#define PVMM_MIGRATE_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* The whole HPT (2^@order bytes) of @vm as a stream in a new buffer the
 * caller frees.  0 or -errno. */
int htab_save(struct vm *vm, unsigned order, uint8_t **stream, size_t *len);

/* Load a stream into @vm's HPT; checked in full first, so a corrupt one
 * writes nothing (-EINVAL).  0 or -errno. */
int htab_load(struct vm *vm, const uint8_t *stream, size_t len);

#endif
