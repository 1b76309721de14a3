/*
 * household.c — see household.h.
 *
 * Invariants: plaintext 证件号码/联系电话 never reach a bound parameter — only the
 * zx_sealed forms do; a blank value is stored as three empty strings (never an
 * encryption of ""); household size is the member count the caller passes, so the
 * caller that changes members also rewrites the household row.
 */
#include "domain/registry/household.h"

#include <string.h>

#include "base/clock.h"
#include "base/mask.h"

static zx_err seal(const zx_keys *k, const char *plain, bool phone, zx_sealed *out)
{
	out->enc[0] = out->bidx[0] = out->masked[0] = '\0';
	if (!plain || !*plain)
		return ZX_OK;
	if (strlen(plain) > ZX_SEALED_MAX_PLAIN)
		return ZX_ETOOBIG;
	zx_err e = zx_field_encrypt(k, plain, out->enc, sizeof(out->enc));
	if (e)
		return e;
	zx_blind_index(k, plain, out->bidx);
	if (phone)
		zx_mask_phone(plain, out->masked, sizeof(out->masked));
	else
		zx_mask_id(plain, out->masked, sizeof(out->masked));
	return ZX_OK;
}

zx_err zx_seal_id(const zx_keys *k, const char *id_number, zx_sealed *out)
{
	return seal(k, id_number, false, out);
}

zx_err zx_seal_phone(const zx_keys *k, const char *phone, zx_sealed *out)
{
	return seal(k, phone, true, out);
}

static zx_val tri(int v)
{
	return v < 0 ? ZX_NULLV : ZX_INT(v);
}

static zx_err changed_one(zx_err e, int64_t changes)
{
	return e ? e : changes == 1 ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_person_insert(zx_conn *c, const char *county6, int64_t household_id, const char *village, int seq,
                        const zx_person_rec *p, const zx_sealed *id, const zx_sealed *phone, int64_t *id_out)
{
	zx_err e = zx_exec(c, NULL, ZXQ_person_insert,
	                   ZX_ARGS(ZX_TEXT(county6), ZX_INT(household_id), ZX_TEXT(village), ZX_INT(seq),
	                           ZX_TEXT(p->name), ZX_TEXT(id->enc), ZX_TEXT(id->bidx), ZX_TEXT(id->masked),
	                           ZX_TEXT(p->relation), ZX_TEXT(p->gender), ZX_INT(p->birth_ymd),
	                           ZX_TEXT(p->nation), ZX_TEXT(p->education), ZX_TEXT(p->school),
	                           ZX_TEXT(p->health), ZX_TEXT(p->disability), ZX_TEXT(p->labor),
	                           ZX_TEXT(p->work), p->work_months >= 0 ? ZX_INT(p->work_months) : ZX_NULLV,
	                           tri(p->insured), ZX_TEXT(phone->enc), ZX_TEXT(phone->masked)),
	                   NULL);
	if (!e && id_out)
		*id_out = zx_last_insert_id(c);
	return e;
}

zx_err zx_household_insert_sealed(zx_conn *c, const char *county6, const zx_household_rec *h,
                                  const zx_sealed *ids, const zx_sealed *phones, int64_t *id_out)
{
	int64_t now = zx_now();
	zx_err e = zx_exec(
	    c, NULL, ZXQ_household_insert,
	    ZX_ARGS(ZX_TEXT(county6), ZX_TEXT(h->village), ZX_TEXT(h->hh_no), ZX_TEXT(h->group),
	            ZX_TEXT(h->n > 0 ? h->m[0].name : ""), ZX_TEXT(h->hh_type), ZX_TEXT(h->category),
	            h->tuopin_year > 0 ? ZX_INT(h->tuopin_year) : ZX_NULLV, tri(h->housing_safe),
	            tri(h->water_safe), ZX_TEXT(h->risk_type), ZX_TEXT(h->helper), ZX_INT(h->n), ZX_INT(now)),
	    NULL);
	if (e)
		return e;
	int64_t hid = zx_last_insert_id(c);
	for (int i = 0; !e && i < h->n; i++)
		e = zx_person_insert(c, county6, hid, h->village, i + 1, &h->m[i], &ids[i], &phones[i], NULL);
	if (!e && id_out)
		*id_out = hid;
	return e;
}

zx_err zx_household_insert(zx_conn *c, const zx_keys *k, const char *county6, const zx_household_rec *h,
                           int64_t *id_out)
{
	enum { BATCH = 16 };
	zx_sealed ids[BATCH], phones[BATCH];
	if (h->n > BATCH)
		return ZX_EINVAL;
	for (int i = 0; i < h->n; i++) {
		zx_err e = seal(k, h->m[i].id_number, false, &ids[i]);
		if (!e)
			e = seal(k, h->m[i].phone, true, &phones[i]);
		if (e)
			return e;
	}
	return zx_household_insert_sealed(c, county6, h, ids, phones, id_out);
}

zx_err zx_household_row_update(zx_conn *c, const zx_scope *scope, int64_t id, const zx_household_rec *h)
{
	int64_t changes = 0;
	zx_err e =
	    zx_exec(c, scope, ZXQ_import_household_update,
	            ZX_ARGS(ZX_INT(id), ZX_TEXT(h->village), ZX_TEXT(h->group),
	                    ZX_TEXT(h->n > 0 ? h->m[0].name : ""), ZX_TEXT(h->hh_type), ZX_TEXT(h->category),
	                    h->tuopin_year > 0 ? ZX_INT(h->tuopin_year) : ZX_NULLV, tri(h->housing_safe),
	                    tri(h->water_safe), ZX_TEXT(h->risk_type), ZX_TEXT(h->helper), ZX_INT(h->n),
	                    ZX_INT(zx_now())),
	            &changes);
	return changed_one(e, changes);
}

zx_err zx_person_row_update(zx_conn *c, const zx_scope *scope, int64_t person_id, const char *village,
                            int seq, const zx_person_rec *p, const zx_sealed *phone)
{
	int64_t changes = 0;
	zx_err e = zx_exec(c, scope, ZXQ_import_person_update,
	                   ZX_ARGS(ZX_INT(person_id), ZX_TEXT(village), ZX_INT(seq), ZX_TEXT(p->name),
	                           ZX_TEXT(p->relation), ZX_TEXT(p->gender), ZX_INT(p->birth_ymd),
	                           ZX_TEXT(p->nation), ZX_TEXT(p->education), ZX_TEXT(p->school),
	                           ZX_TEXT(p->health), ZX_TEXT(p->disability), ZX_TEXT(p->labor),
	                           ZX_TEXT(p->work), p->work_months >= 0 ? ZX_INT(p->work_months) : ZX_NULLV,
	                           tri(p->insured), ZX_TEXT(phone->enc), ZX_TEXT(phone->masked)),
	                   &changes);
	return changed_one(e, changes);
}

zx_err zx_person_row_delete(zx_conn *c, const zx_scope *scope, int64_t person_id)
{
	int64_t changes = 0;
	zx_err e = zx_exec(c, scope, ZXQ_import_person_delete, ZX_ARGS(ZX_INT(person_id)), &changes);
	return changed_one(e, changes);
}
