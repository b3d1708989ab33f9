package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
)

// The permission matrix rows of user administration, the password link page and audit revert.
func init() {
	featureMatrices = append(featureMatrices, usersMatrix)
}

// matrixToken is the plain token of an open link the matrix creates (43 characters, as
// generated tokens are); only its digest goes into the database.
const matrixToken = "matrixtokenmatrixtokenmatrixtokenmatrixtokn"

func usersMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	ctx := context.Background()
	admin := access.Admin
	everyRole := []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin}
	// target is the user the pages show and the reset renews; deactivate and reactivate
	// have a user each, so no row's outcome depends on another's.
	var target, deactivate, reactivate, signIn int64
	err := pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('matrix.target@example.org', 'Matrix Target', 'housing_staff')
		RETURNING id`).Scan(&target)
	if err != nil {
		t.Fatal(err)
	}
	err = pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('matrix.deactivate@example.org', 'Matrix Deactivate', 'housing_staff')
		RETURNING id`).Scan(&deactivate)
	if err != nil {
		t.Fatal(err)
	}
	err = pool.QueryRow(ctx, `INSERT INTO users (email, name, role, active) VALUES ('matrix.reactivate@example.org', 'Matrix Reactivate', 'housing_staff', false)
		RETURNING id`).Scan(&reactivate)
	if err != nil {
		t.Fatal(err)
	}
	_, err = pool.Exec(ctx, `INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, 'reset', $2, now() + interval '1 day')`,
		target, accounts.HashToken(matrixToken))
	if err != nil {
		t.Fatal(err)
	}
	// A sign-in event: a real event, but not a change an admin can revert (409).
	if err := pool.QueryRow(ctx, `INSERT INTO audit_events (actor_id, action, entity_type, entity_id)
		VALUES ($1, 'auth.sign_in', 'user', $1) RETURNING id`, target).Scan(&signIn); err != nil {
		t.Fatal(err)
	}
	// A person with a second factor, whose factor an admin may reset (the row asks first).
	var withFactor int64
	err = pool.QueryRow(ctx, `INSERT INTO users (email, name, role, totp_secret) VALUES ('matrix.factor@example.org', 'Matrix Factor',
		'housing_staff', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP') RETURNING id`).Scan(&withFactor)
	if err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("/admin/users/%d", target)
	userVersion := func(id int64) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM users WHERE id = $1`, id)
	}
	userState := func(id int64) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, active, session_epoch) FROM users WHERE id = $1`, id)
	}
	return map[string][]check{
		// The link page is for anyone holding a link: opening one moves its token out of the
		// address bar (a redirect); without a working one it is not found.
		"GET /account/setup": {
			everyone("GET", "/account/setup?token="+matrixToken, redirectTo("/account/setup")),
			everyone("GET", "/account/setup?token=nonsense", no404),
		},
		"POST /account/setup": {everyone("POST", "/account/setup", no404)},

		"GET /admin/users":      {only("GET", "/admin/users", ok200, admin), only("GET", "/admin/users?role=root", bad400, admin)},
		"GET /admin/users/new":  {only("GET", "/admin/users/new", ok200, admin)},
		"POST /admin/users":     {only("POST", "/admin/users", invalid422, admin)},
		"GET /admin/users/{id}": {only("GET", user, ok200, admin), only("GET", "/admin/users/999999", no404, admin), only("GET", "/admin/users/abc", no404, admin)},
		// Empty forms: no role (422), no version (409); nothing is saved.
		"POST /admin/users/{id}": {only("POST", user, invalid422, admin).watching(userState(target)), only("POST", "/admin/users/999999", no404, admin)},
		"POST /admin/users/{id}/deactivate": {
			// Asked first: without confirm=1 the question (200), nothing changed.
			only("POST", user+"/deactivate", ok200, admin).watching(userState(target)),
			only("POST", fmt.Sprintf("/admin/users/%d/deactivate", deactivate), redirectTo(fmt.Sprintf("/admin/users/%d", deactivate)).changed(), admin).
				sending(confirming(userVersion(deactivate))).watching(userState(deactivate)),
			only("POST", "/admin/users/999999/deactivate", no404, admin),
		},
		"POST /admin/users/{id}/reactivate": {
			only("POST", user+"/reactivate", conflict409, admin),
			only("POST", fmt.Sprintf("/admin/users/%d/reactivate", reactivate), redirectTo(fmt.Sprintf("/admin/users/%d", reactivate)).changed(), admin).
				sending(userVersion(reactivate)).watching(userState(reactivate)),
		},
		// A reset needs no fields: it makes a new link (the old matrix link stops working).
		"POST /admin/users/{id}/reset": {
			only("POST", user+"/reset", ok200.changed(), admin).
				watching(dbText(pool, `SELECT string_agg(concat_ws(' ', encode(token_hash, 'hex'), used_at, revoked_at), ',' ORDER BY id) FROM user_tokens WHERE user_id = $1`, target)),
			only("POST", "/admin/users/999999/reset", no404, admin),
		},
		// Signing someone out everywhere asks first (no confirm: the question, 200).
		"POST /admin/users/{id}/sessions": {
			only("POST", user+"/sessions", ok200, admin),
			only("POST", "/admin/users/999999/sessions", no404, admin),
		},
		// Asking first; a person without a factor is told there is none to reset.
		"POST /admin/users/{id}/two-factor": {
			only("POST", fmt.Sprintf("/admin/users/%d/two-factor", withFactor), ok200, admin),
			only("POST", user+"/two-factor", redirectTo(user), admin),
			only("POST", "/admin/users/999999/two-factor", no404, admin),
		},
		// Every signed-in person may set up a second factor; the matrix's people have none.
		"GET /account/two-factor": {
			only("GET", "/account/two-factor", ok200, everyRole...),
		},
		// The QR code is of the key this session is setting up: none until the page is opened.
		"GET /account/two-factor/qr.png": {
			only("GET", "/account/two-factor/qr.png", ok200, everyRole...).preparing(func(t *testing.T, as roleSender) {
				as("GET", "/account/two-factor", nil)
			}),
		},
		// With a key being set up, an empty code is refused (no code, no factor).
		"POST /account/two-factor": {
			only("POST", "/account/two-factor", invalid422, everyRole...).preparing(func(t *testing.T, as roleSender) {
				as("GET", "/account/two-factor", nil)
			}),
		},
		"POST /account/two-factor/recovery-codes": {
			only("POST", "/account/two-factor/recovery-codes", redirectTo("/account/security"), everyRole...),
		},
		"POST /account/two-factor/off": {
			only("POST", "/account/two-factor/off", redirectTo("/account/security"), everyRole...),
		},
		"GET /account/security": {
			only("GET", "/account/security", ok200, access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin),
		},
		// Signed in on one device only, there is nothing to sign out: back to the page.
		"POST /account/security/sessions": {
			only("POST", "/account/security/sessions", redirectTo("/account/security"), access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin),
		},
		"GET /account/security/sessions": {
			only("GET", "/account/security/sessions", redirectTo("/account/security"), access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin),
		},
		// A sign-in is no change to revert: asked about it, the page says so (409).
		"GET /admin/audit/{id}/revert": {
			only("GET", fmt.Sprintf("/admin/audit/%d/revert", signIn), conflict409, admin),
			only("GET", "/admin/audit/999999999/revert", no404, admin),
			only("GET", "/admin/audit/abc/revert", no404, admin),
		},
		"POST /admin/audit/{id}/revert": {
			only("POST", fmt.Sprintf("/admin/audit/%d/revert", signIn), conflict409, admin),
			only("POST", fmt.Sprintf("/admin/audit/%d/revert", signIn), conflict409, admin).
				sending(func(*testing.T) url.Values { return url.Values{"confirm": {"1"}} }),
			only("POST", "/admin/audit/999999999/revert", no404, admin),
			only("POST", "/admin/audit/abc/revert", no404, admin),
		},
	}
}

// confirming adds confirm=1 to a form: the answer to a page that asks first.
func confirming(form func(t *testing.T) url.Values) func(t *testing.T) url.Values {
	return func(t *testing.T) url.Values {
		v := form(t)
		v.Set("confirm", "1")
		return v
	}
}
