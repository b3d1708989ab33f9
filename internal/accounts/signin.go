package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// User is a signed-in person as the rest of the application sees them.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      access.Role
	AgencyID  int64 // organisation of an RSL officer (0 for none)
	ContactID int64 // the champion entry a champion keeps (0 for none)
	Active    bool
	Epoch     int
}

// Viewer is the user as feature queries take them.
func (u User) Viewer() access.Viewer {
	return access.Viewer{UserID: u.ID, Role: u.Role, AgencyID: u.AgencyID}
}

// Throttle limits failed sign-ins: per account (keyed by the email typed, whether or not an
// account has it) and, more loosely, per client address.
type Throttle struct {
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// DefaultThrottle allows 5 failures per account and 50 per address in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 50}

// ErrBadCredentials is the one answer to an unknown email and a wrong password alike.
var ErrBadCredentials = errors.New("accounts: email or password not recognised")

// ThrottledError says sign-in is paused and for how long, and whether the limit reached was the
// one for the client's address (many accounts tried from one place) rather than the account.
type ThrottledError struct {
	Wait      time.Duration
	ByAddress bool
}

func (e *ThrottledError) Error() string { return "accounts: too many failed sign-ins" }

// Minutes is the wait rounded up to whole minutes, for the message.
func (e *ThrottledError) Minutes() int { return int((e.Wait + time.Minute - 1) / time.Minute) }

// Store is the accounts feature: signing in and out, one-time links, and the admins' management
// of accounts. hashing bounds concurrent argon2id work: each hash takes 19 MiB and a core for
// tens of milliseconds, and a burst of sign-ins must not starve pages.
type Store struct {
	db       *pgxpool.Pool
	params   HashParams
	throttle Throttle
	hashing  chan struct{}
	dummy    string // a hash to verify against when no account matches, so timing reveals nothing
}

// NewStore returns a Store over the pool, hashing passwords with params (at most concurrency at
// once) and throttling failed sign-ins by t.
func NewStore(db *pgxpool.Pool, params HashParams, t Throttle, concurrency int) (*Store, error) {
	dummy, err := HashPassword("not a real password, only for timing", params)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, params: params, throttle: t, hashing: make(chan struct{}, concurrency), dummy: dummy}, nil
}

// SignIn checks email and password. It returns the user, ErrBadCredentials, or a
// *ThrottledError; every outcome is written to the audit trail.
func (s *Store) SignIn(ctx context.Context, email, password, clientAddr string) (User, error) {
	norm := cleanEmail(email)
	if wait, byAddr, err := s.throttled(ctx, norm, clientAddr); err != nil {
		return User{}, err
	} else if wait > 0 {
		return User{}, &ThrottledError{Wait: wait, ByAddress: byAddr}
	}
	var u User
	var hash string
	var agencyID, contactID *int64
	err := s.db.QueryRow(ctx, `SELECT id, email, name, role, agency_id, contact_id, active, session_epoch, password_hash
		FROM users WHERE email = $1`, norm).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("accounts: sign in: %w", err)
	}
	found := err == nil && u.Active && hash != ""
	if !found {
		hash = s.dummy
	}
	ok, stale, verr := s.verify(ctx, password, hash)
	if verr != nil && found {
		return User{}, fmt.Errorf("accounts: sign in %d: %w", u.ID, verr)
	}
	if !found || !ok {
		return User{}, s.recordFailure(ctx, norm, clientAddr, u.ID)
	}
	if agencyID != nil {
		u.AgencyID = *agencyID
	}
	if contactID != nil {
		u.ContactID = *contactID
	}
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if stale {
			newHash, err := HashPassword(password, s.params)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, u.ID, newHash); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, "email:"+norm); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO audit_events (actor_id, action, entity_type, entity_id, agency_id)
			VALUES ($1, 'auth.sign_in', 'user', $1, $2)`, u.ID, agencyID)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("accounts: record sign in: %w", err)
	}
	return u, nil
}

func (s *Store) verify(ctx context.Context, password, hash string) (ok, stale bool, err error) {
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return false, false, ctx.Err()
	}
	return VerifyPassword(password, hash, s.params)
}

// cleanEmail is the throttling and look-up key for what was typed: lower case, without
// characters PostgreSQL text refuses, at most 254 bytes cut on a character boundary.
func cleanEmail(email string) string {
	// Control characters go before trimming, so "\a admin@..." is the same key as "admin@...".
	norm := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(email, ""))
	norm = strings.ToLower(norm)
	// Cutting can leave a space at the end, which the next trim takes: trim after every cut,
	// so cleaning a clean key gives the same key.
	for norm = strings.TrimSpace(norm); len(norm) > 254; norm = strings.TrimSpace(norm) {
		_, size := utf8.DecodeLastRuneInString(norm)
		norm = norm[:len(norm)-size]
	}
	return norm
}

// throttled returns how long sign-in is paused for this email or address (0 when it is not),
// and whether the address limit is the one reached.
func (s *Store) throttled(ctx context.Context, email, addr string) (wait time.Duration, byAddr bool, err error) {
	for _, k := range []struct {
		key    string
		limit  int
		byAddr bool
	}{{"email:" + email, s.throttle.PerAccount, false}, {"addr:" + addr, s.throttle.PerAddress, true}} {
		// The limit-th most recent failure inside the window decides when the pause ends.
		var oldest *time.Time
		err := s.db.QueryRow(ctx, `SELECT failed_at FROM login_failures WHERE key = $1 AND failed_at > now() - $2::interval
			ORDER BY failed_at DESC OFFSET $3 - 1 LIMIT 1`, k.key, s.throttle.Window.String(), k.limit).Scan(&oldest)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, false, fmt.Errorf("accounts: throttle: %w", err)
		}
		if w := time.Until(oldest.Add(s.throttle.Window)); w > wait {
			wait, byAddr = w, k.byAddr
		}
	}
	return wait, byAddr, nil
}

func (s *Store) recordFailure(ctx context.Context, email, addr string, userID int64) error {
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key) VALUES ($1), ($2)`, "email:"+email, "addr:"+addr); err != nil {
			return err
		}
		// Old rows are useless; trimming them here keeps the table small without a job.
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'`); err != nil {
			return err
		}
		// The typed email is kept only when it names an account: what someone types into the
		// email box for no account may be anything, even their password.
		if userID == 0 {
			_, err := tx.Exec(ctx, `INSERT INTO audit_events (action, entity_type) VALUES ('auth.sign_in_failed', 'user')`)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO audit_events (actor_id, action, entity_type, entity_id, after)
			VALUES ($1, 'auth.sign_in_failed', 'user', $1, jsonb_build_object('email', $2::text))`, userID, email)
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: record failed sign in: %w", err)
	}
	return ErrBadCredentials
}

// SignOut records that the user signed out.
func (s *Store) SignOut(ctx context.Context, u User) error {
	var agency *int64
	if u.AgencyID != 0 {
		agency = &u.AgencyID
	}
	_, err := s.db.Exec(ctx, `INSERT INTO audit_events (actor_id, action, entity_type, entity_id, agency_id)
		VALUES ($1, 'auth.sign_out', 'user', $1, $2)`, u.ID, agency)
	if err != nil {
		return fmt.Errorf("accounts: record sign out: %w", err)
	}
	return nil
}

// ByID loads a user for a request. A missing user is (User{}, false, nil).
func (s *Store) ByID(ctx context.Context, id int64) (User, bool, error) {
	var u User
	var agencyID, contactID *int64
	err := s.db.QueryRow(ctx, `SELECT id, email, name, role, agency_id, contact_id, active, session_epoch
		FROM users WHERE id = $1`, id).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("accounts: user %d: %w", id, err)
	}
	if agencyID != nil {
		u.AgencyID = *agencyID
	}
	if contactID != nil {
		u.ContactID = *contactID
	}
	return u, true, nil
}
