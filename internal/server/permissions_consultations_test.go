package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The case consultation and coaching rows of the permission matrix: every signed-in person
// books and cancels a slot (each row frees or books it first, so no role's outcome depends on
// another's); only admins manage sessions and slots.

func init() { featureMatrices = append(featureMatrices, consultationMatrix) }

// matrixSlot adds a consultation session with one slot a week ahead and returns their ids.
func matrixSlot(t *testing.T, pool *pgxpool.Pool, title string) (int64, int64) {
	t.Helper()
	var session, slot int64
	ctx := context.Background()
	if err := pool.QueryRow(ctx, `INSERT INTO consultation_sessions (kind, title) VALUES ('consultation', $1) RETURNING id`, title).Scan(&session); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO consultation_slots (session_id, starts_at, minutes, practitioner)
		VALUES ($1, now() + interval '7 days', 45, 'Dana Example') RETURNING id`, session).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	return session, slot
}

func consultationMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	signedIn := []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin}
	session, bookSlot := matrixSlot(t, pool, "Matrix consultation")
	_, cancelSlot := matrixSlot(t, pool, "Matrix cancel consultation")
	_, askSlot := matrixSlot(t, pool, "Matrix ask consultation")
	slot := func(id int64, rest string) string { return fmt.Sprintf("/training/slots/%d%s", id, rest) }
	free := func(id int64) func(*testing.T, roleSender) {
		return func(t *testing.T, _ roleSender) {
			mustExec(t, pool, `UPDATE consultation_slots SET booked_by = NULL, booked_at = NULL WHERE id = $1`, id)
		}
	}
	freeThenBook := func(id int64) func(*testing.T, roleSender) {
		return func(t *testing.T, as roleSender) {
			free(id)(t, as)
			as("POST", slot(id, "/book"), nil)
		}
	}
	holder := func(id int64) func(*testing.T) string {
		return dbText(pool, `SELECT coalesce(booked_by::text, 'free') FROM consultation_slots WHERE id = $1`, id)
	}
	confirm := func(*testing.T) url.Values { return url.Values{"confirm": {"1"}} }
	admin := func(method, path string, o outcome) check { return only(method, path, o, access.Admin) }
	adminSession := fmt.Sprintf("/admin/training/consultations/%d", session)
	adminSlot := fmt.Sprintf("/admin/training/slots/%d", bookSlot)
	return map[string][]check{
		"POST /training/slots/{id}/book": {
			func() check {
				c := only("POST", slot(bookSlot, "/book"), redirectTo("/training#flash").changed(), signedIn...).watching(holder(bookSlot))
				c.before = free(bookSlot)
				return c
			}(),
			only("POST", slot(999999999, "/book"), no404, signedIn...),
		},
		"GET /training/slots/{id}/cancel": {
			func() check {
				c := only("GET", slot(askSlot, "/cancel"), ok200, signedIn...)
				c.before = freeThenBook(askSlot)
				return c
			}(),
			// Someone else's slot (or a free one) is not theirs to cancel.
			func() check {
				c := only("GET", slot(askSlot, "/cancel"), no404, signedIn...)
				c.before = free(askSlot)
				return c
			}(),
		},
		"POST /training/slots/{id}/cancel": {
			func() check {
				c := only("POST", slot(cancelSlot, "/cancel"), redirectTo("/training#flash").changed(), signedIn...).
					sending(confirm).watching(holder(cancelSlot))
				c.before = freeThenBook(cancelSlot)
				return c
			}(),
			func() check {
				c := only("POST", slot(cancelSlot, "/cancel"), no404, signedIn...).sending(confirm).watching(holder(cancelSlot))
				c.before = free(cancelSlot)
				return c
			}(),
		},
		"GET /admin/training/consultations":             {admin("GET", "/admin/training/consultations", ok200)},
		"POST /admin/training/consultations":            {admin("POST", "/admin/training/consultations", invalid422)},
		"GET /admin/training/consultations/{id}":        {admin("GET", adminSession, ok200), admin("GET", "/admin/training/consultations/999999999", no404)},
		"POST /admin/training/consultations/{id}/slots": {admin("POST", adminSession+"/slots", invalid422)},
		"GET /admin/training/slots/{id}":                {admin("GET", adminSlot, ok200), admin("GET", "/admin/training/slots/999999999", no404)},
		"POST /admin/training/slots/{id}":               {admin("POST", adminSlot, invalid422)},
	}
}
