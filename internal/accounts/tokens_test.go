package accounts_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
	"dadirectory/internal/validate"
)

var fastParams = accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

type fixture struct {
	db    *pgxpool.Pool
	auth  *accounts.Store
	admin access.Viewer
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := seed.Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	auth, err := accounts.NewStore(db, fastParams, accounts.DefaultThrottle, 2)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('ann@example.org', 'Ann Admin', 'admin') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, auth: auth, admin: access.Viewer{UserID: id, Role: access.Admin}}
}

func (f fixture) invite(t *testing.T, email string, role access.Role, org string) accounts.Invitation {
	t.Helper()
	inv, err := f.auth.Invite(context.Background(), f.admin, accounts.Input{Email: email, Name: "Pat Person", Role: string(role), Org: org})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// nowhere checks that the plain token is in no row of any table, as text or as bytes.
func nowhere(t *testing.T, db *pgxpool.Pool, token string) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	hexed := hex.EncodeToString([]byte(token))
	for _, tbl := range tables {
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM `+tbl+` x WHERE strpos(x::text, $1) > 0 OR strpos(x::text, $2) > 0`, token, hexed).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Errorf("table %s holds the plain token", tbl)
		}
	}
}

func TestInvitationLinkWorksOnceAndIsStoredHashed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	inv := f.invite(t, "New.Person@Example.org", access.HousingStaff, "")
	if inv.Link.Purpose != accounts.PurposeInvite || len(inv.Link.Token) < 40 {
		t.Fatalf("link %+v", inv.Link)
	}
	if d := time.Until(inv.Link.ExpiresAt); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("link valid for %v, want 72h", d)
	}
	if inv.Account.Email != "new.person@example.org" || inv.Account.PasswordSet || !inv.Account.Active {
		t.Errorf("account %+v", inv.Account)
	}

	// Only the SHA-256 is stored, and nothing anywhere holds the token itself.
	var stored []byte
	if err := f.db.QueryRow(ctx, `SELECT token_hash FROM user_tokens WHERE user_id = $1`, inv.Account.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(inv.Link.Token))
	if !bytes.Equal(stored, want[:]) {
		t.Error("stored digest is not the SHA-256 of the token")
	}
	nowhere(t, f.db, inv.Link.Token)

	// No password yet: signing in fails whatever is typed.
	if _, err := f.auth.SignIn(ctx, "new.person@example.org", "", "192.0.2.1"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("sign in before setup: %v", err)
	}

	l, err := f.auth.LookupLink(ctx, inv.Link.Token)
	if err != nil || l.Email != "new.person@example.org" || l.Purpose != accounts.PurposeInvite {
		t.Fatalf("look up: %+v %v", l, err)
	}

	// A refused password leaves the link open.
	_, err = f.auth.CompletePassword(ctx, inv.Link.Token, "short", "short")
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("password") {
		t.Errorf("short password: %v", err)
	}
	_, err = f.auth.CompletePassword(ctx, inv.Link.Token, "a perfectly long passphrase", "a perfectly long passphrasf")
	if !errors.As(err, &errs) || !errs.Has("confirm") {
		t.Errorf("mismatch: %v", err)
	}

	u, err := f.auth.CompletePassword(ctx, inv.Link.Token, "a perfectly long passphrase", "a perfectly long passphrase")
	if err != nil || u.ID != inv.Account.ID || u.Epoch != inv.Account.Epoch+1 {
		t.Fatalf("complete: %+v %v", u, err)
	}
	if _, err := f.auth.SignIn(ctx, "new.person@example.org", "a perfectly long passphrase", "192.0.2.1"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	var hash string
	f.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q not argon2id with the configured parameters", hash)
	}

	// Used: it works no more, for looking or for setting.
	if _, err := f.auth.LookupLink(ctx, inv.Link.Token); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("look up used link: %v", err)
	}
	if _, err := f.auth.CompletePassword(ctx, inv.Link.Token, "another long passphrase", "another long passphrase"); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("second use: %v", err)
	}
	if _, err := f.auth.SignIn(ctx, "new.person@example.org", "another long passphrase", "192.0.2.1"); err == nil {
		t.Error("second use changed the password")
	}

	// The audit trail says what happened, never the token or a hash.
	var trail string
	f.db.QueryRow(ctx, `SELECT string_agg(action || coalesce(before::text, '') || coalesce(after::text, ''), ' ' ORDER BY id)
		FROM audit_events WHERE entity_id = $1 AND entity_type = 'user'`, u.ID).Scan(&trail)
	for _, want := range []string{"user.create", "user.issue_invite_link", "user.set_password"} {
		if !strings.Contains(trail, want) {
			t.Errorf("trail lacks %s: %s", want, trail)
		}
	}
	if strings.Contains(trail, "argon2") || strings.Contains(trail, inv.Link.Token) || strings.Contains(trail, "passphrase") {
		t.Errorf("trail holds a secret: %s", trail)
	}
	nowhere(t, f.db, inv.Link.Token)
}

func TestLinkNotAfterExpiryAndUnknownTokens(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	inv := f.invite(t, "late@example.org", access.HousingStaff, "")
	if _, err := f.db.Exec(ctx, `UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, inv.Account.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.LookupLink(ctx, inv.Link.Token); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("look up expired: %v", err)
	}
	if _, err := f.auth.CompletePassword(ctx, inv.Link.Token, "a perfectly long passphrase", "a perfectly long passphrase"); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("use expired: %v", err)
	}
	// A bad password on a dead link says the link is dead, not that the password is bad.
	if _, err := f.auth.CompletePassword(ctx, inv.Link.Token, "x", "y"); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("bad password on expired link: %v", err)
	}
	other := strings.Repeat("A", len(inv.Link.Token))
	for _, tok := range []string{"", "abc", other, inv.Link.Token[:len(inv.Link.Token)-1], inv.Link.Token + "x", "\x00" + inv.Link.Token[1:]} {
		if _, err := f.auth.LookupLink(ctx, tok); !errors.Is(err, accounts.ErrLinkUnknown) {
			t.Errorf("look up %q: %v", tok, err)
		}
		if _, err := f.auth.CompletePassword(ctx, tok, "a perfectly long passphrase", "a perfectly long passphrase"); !errors.Is(err, accounts.ErrLinkUnknown) {
			t.Errorf("use %q: %v", tok, err)
		}
	}
}

func TestResetInvalidatesOlderLinksAndDeactivationEndsThem(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	inv := f.invite(t, "reset@example.org", access.HousingStaff, "")
	if _, err := f.auth.CompletePassword(ctx, inv.Link.Token, "the first long passphrase", "the first long passphrase"); err != nil {
		t.Fatal(err)
	}
	_, first, _, err := f.auth.IssueReset(ctx, f.admin, inv.Account.ID)
	if err != nil || first.Purpose != accounts.PurposeReset {
		t.Fatalf("first reset: %+v %v", first, err)
	}
	_, second, _, err := f.auth.IssueReset(ctx, f.admin, inv.Account.ID)
	if err != nil || second.Token == first.Token {
		t.Fatalf("second reset: %v", err)
	}
	if _, err := f.auth.LookupLink(ctx, first.Token); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("older link still works: %v", err)
	}
	if _, err := f.auth.CompletePassword(ctx, first.Token, "an attackers long passphrase", "an attackers long passphrase"); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("older link used: %v", err)
	}
	// The old password works until the new link is used.
	if _, err := f.auth.SignIn(ctx, "reset@example.org", "the first long passphrase", "192.0.2.2"); err != nil {
		t.Errorf("old password before the reset is used: %v", err)
	}
	if _, err := f.auth.CompletePassword(ctx, second.Token, "the second long passphrase", "the second long passphrase"); err != nil {
		t.Fatalf("newest link: %v", err)
	}
	if _, err := f.auth.SignIn(ctx, "reset@example.org", "the first long passphrase", "192.0.2.2"); err == nil {
		t.Error("old password still works after the reset")
	}
	nowhere(t, f.db, second.Token)

	// Deactivation ends open links; a deactivated account gets none.
	_, third, _, err := f.auth.IssueReset(ctx, f.admin, inv.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.auth.Get(ctx, f.admin, inv.Account.ID)
	if _, err := f.auth.SetActive(ctx, f.admin, a.ID, false, a.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.CompletePassword(ctx, third.Token, "the third long passphrase", "the third long passphrase"); !errors.Is(err, accounts.ErrLinkGone) {
		t.Errorf("link of a deactivated account: %v", err)
	}
	var refused *accounts.RefusedError
	if _, _, _, err := f.auth.IssueReset(ctx, f.admin, a.ID); !errors.As(err, &refused) {
		t.Errorf("reset for a deactivated account: %v", err)
	}
}

func TestALinkIsUsedOnlyOnceUnderRace(t *testing.T) {
	t.Parallel()
	f := setup(t)
	inv := f.invite(t, "race@example.org", access.HousingStaff, "")
	var wg sync.WaitGroup
	results := make([]error, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = f.auth.CompletePassword(context.Background(), inv.Link.Token, "a racing long passphrase", "a racing long passphrase")
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range results {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, accounts.ErrLinkGone):
			t.Errorf("unexpected: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d requests used the link, want 1", won)
	}
}
