package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/jobs"
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
	TwoFactor bool // signing in asks for a code from an app (or a recovery code)
}

// Viewer is the user as feature queries take them.
func (u User) Viewer() access.Viewer {
	return access.Viewer{UserID: u.ID, Role: u.Role, AgencyID: u.AgencyID}
}

// Throttle limits failed sign-ins three ways, so that guessing is slow however it is spread
// and no stranger can lock a person out:
//   - per account and client address (the email typed, whether or not an account has it, from
//     one address): PerPair in Window;
//   - per client address, whatever the emails: PerAddress in Window;
//   - per account from every address but those the account has signed in from before:
//     PerAccount in AccountWindow, the slower limit on guessing spread over many addresses,
//     which the person's own usual address never meets.
type Throttle struct {
	Window        time.Duration
	PerPair       int
	PerAddress    int
	AccountWindow time.Duration
	PerAccount    int
}

// DefaultThrottle allows 5 failures per account and address and 50 per address in 15
// minutes, and 20 per account in an hour from addresses it has not signed in from.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerPair: 5, PerAddress: 50, AccountWindow: time.Hour, PerAccount: 20}

// ErrBadCredentials is the one answer to an unknown email and a wrong password alike.
var ErrBadCredentials = errors.New("accounts: email or password not recognised")

// ErrBusy means so many sign-ins are waiting for the password hasher that this one was turned
// away at once, unchecked, rather than queued behind them (429, try again in a moment).
var ErrBusy = errors.New("accounts: too many sign-ins at once")

// ThrottledError says sign-in is paused, for how long, and which limit was reached.
type ThrottledError struct {
	Wait      time.Duration
	ByAddress bool
}

func (e *ThrottledError) Error() string { return "accounts: too many failed sign-ins" }

// Minutes is the wait rounded up to whole minutes, for the message.
func (e *ThrottledError) Minutes() int { return int((e.Wait + time.Minute - 1) / time.Minute) }

// Store is the accounts feature: signing in and out, one-time links, and the admins' management
// of accounts. hashing bounds concurrent argon2id work: each hash takes 19 MiB and a core for
// tens of milliseconds, and a burst of sign-ins must not starve pages; queued bounds how many
// may wait for it, so a burst is answered at once instead of stalling every real sign-in.
type Store struct {
	db       *pgxpool.Pool
	params   HashParams
	throttle Throttle
	hashing  chan struct{}
	queued   atomic.Int32
	maxQueue int32
	dummy    string // a hash to verify against when no account matches, so timing reveals nothing

	// queue is where password links to email are queued (UseQueue); off, links are shown to
	// the admin who made them instead.
	queue *jobs.Queue
}

// UseQueue has the store email password links through q (when q is on) instead of showing
// them to admins.
func (s *Store) UseQueue(q *jobs.Queue) { s.queue = q }

// queuePerSlot is how many hashes may wait per hashing slot: at tens of milliseconds each, a
// full queue is still answered within about a second.
const queuePerSlot = 8

// hashWait bounds how long a hash waits for a slot on a machine slower than expected.
const hashWait = 10 * time.Second

// NewStore returns a Store over the pool, hashing passwords with params (at most concurrency at
// once) and throttling failed sign-ins by t.
func NewStore(db *pgxpool.Pool, params HashParams, t Throttle, concurrency int) (*Store, error) {
	dummy, err := HashPassword("not a real password, only for timing", params)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, params: params, throttle: t, hashing: make(chan struct{}, concurrency),
		maxQueue: int32(concurrency * queuePerSlot), dummy: dummy}, nil
}

// SignIn checks email and password. It returns the user, ErrBadCredentials, a
// *ThrottledError or ErrBusy; every check is written to the audit trail. The attempt is
// counted before the password is checked, under a lock per throttle key, so parallel guesses
// are counted one by one: at most the limit of them are ever checked.
func (s *Store) SignIn(ctx context.Context, email, password, clientAddr string) (User, error) {
	norm := cleanEmail(email)
	attempt, err := s.beginAttempt(ctx, norm, clientAddr)
	if err != nil {
		return User{}, err
	}
	var u User
	var hash string
	var agencyID, contactID *int64
	err = s.db.QueryRow(ctx, `SELECT id, email, name, role, agency_id, contact_id, active, session_epoch, password_hash,
		totp_secret IS NOT NULL
		FROM users WHERE email = $1`, norm).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch, &hash, &u.TwoFactor)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("accounts: sign in: %w", err)
	}
	found := err == nil && u.Active && hash != ""
	if !found {
		hash = s.dummy
	}
	ok, stale, verr := s.verify(ctx, password, hash)
	if errors.Is(verr, ErrBusy) {
		// Not checked, so not counted.
		if _, err := s.db.Exec(ctx, `DELETE FROM login_failures WHERE id = ANY($1)`, attempt); err != nil {
			return User{}, fmt.Errorf("accounts: sign in: %w", err)
		}
		return User{}, ErrBusy
	}
	if verr != nil && found {
		return User{}, fmt.Errorf("accounts: sign in %d: %w", u.ID, verr)
	}
	if !found || !ok {
		return User{}, s.recordFailure(ctx, norm, u.ID)
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
		// This attempt was not a failure, and the person's earlier slips from this address
		// are forgiven; what was tried against the account from elsewhere still counts.
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE id = ANY($1) OR key = $2`, attempt, pairKey(norm, clientAddr)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sign_in_known_clients (email, client) VALUES ($1, $2)
			ON CONFLICT (email, client) DO UPDATE SET last_seen = now()`, norm, clientAddr); err != nil {
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
	if err := s.hashSlot(ctx); err != nil {
		return false, false, err
	}
	defer func() { <-s.hashing }()
	return VerifyPassword(password, hash, s.params)
}

// hashSlot waits for a hashing slot, or returns ErrBusy at once when too many already wait
// (or after hashWait). The caller frees the slot.
func (s *Store) hashSlot(ctx context.Context) error {
	if s.queued.Add(1) > s.maxQueue {
		s.queued.Add(-1)
		return ErrBusy
	}
	defer s.queued.Add(-1)
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
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

func pairKey(email, addr string) string { return "pair:" + email + "|" + addr }

// beginAttempt counts a sign-in attempt before its password is checked. Under a transaction
// lock per key it finds whether any limit is reached (then returns a *ThrottledError and
// counts nothing) and otherwise records the attempt as a failure under every key, returning
// the rows to take away again if the password is right. Only failures in the window count,
// and rows older than a day are trimmed here, so the table stays small without a job.
func (s *Store) beginAttempt(ctx context.Context, email, addr string) ([]int64, error) {
	type limit struct {
		key    string
		window time.Duration
		max    int
		byAddr bool
	}
	limits := []limit{
		{pairKey(email, addr), s.throttle.Window, s.throttle.PerPair, false},
		{"addr:" + addr, s.throttle.Window, s.throttle.PerAddress, true},
		{"email:" + email, s.throttle.AccountWindow, s.throttle.PerAccount, false},
	}
	var ids []int64
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		// Locks in one order (the keys' hashes), so two attempts never wait on each other in a
		// circle.
		keys := make([]string, len(limits))
		for i, l := range limits {
			keys[i] = l.key
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sign_in'), h)
			FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) k ORDER BY 1) x`, keys); err != nil {
			return err
		}
		var known bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sign_in_known_clients
			WHERE email = $1 AND client = $2 AND last_seen > now() - interval '90 days')`, email, addr).Scan(&known); err != nil {
			return err
		}
		var wait time.Duration
		byAddr := false
		for _, l := range limits {
			if l.key == "email:"+email && known {
				continue // the person's own usual address: never stopped by a stranger's guesses
			}
			// The limit-th most recent failure inside the window decides when the pause ends.
			var nth time.Time
			err := tx.QueryRow(ctx, `SELECT failed_at FROM login_failures WHERE key = $1 AND failed_at > now() - $2::interval
				ORDER BY failed_at DESC OFFSET $3 - 1 LIMIT 1`, l.key, l.window.String(), l.max).Scan(&nth)
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if w := time.Until(nth.Add(l.window)); w > wait {
				wait, byAddr = w, l.byAddr
			}
		}
		if wait > 0 {
			return &ThrottledError{Wait: wait, ByAddress: byAddr}
		}
		rows, err := tx.Query(ctx, `INSERT INTO login_failures (key) SELECT unnest($1::text[]) RETURNING id`, keys)
		if err != nil {
			return err
		}
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'`)
		return err
	})
	var throttled *ThrottledError
	if errors.As(err, &throttled) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: throttle: %w", err)
	}
	return ids, nil
}

// failedSignInRetention is how long the audit trail keeps failed sign-ins.
const failedSignInRetention = "90 days"

// recordFailure writes a failed sign-in to the audit trail (its attempt rows already count
// it) and returns ErrBadCredentials.
func (s *Store) recordFailure(ctx context.Context, email string, userID int64) error {
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM audit_events WHERE action = 'auth.sign_in_failed'
			AND occurred_at < now() - $1::interval`, failedSignInRetention); err != nil {
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

// ClearFailures forgets the failed sign-ins against the account with email (a normalised
// address), inside tx: a person who has just proved who they are (a reset link) is not kept
// waiting by what anyone tried before.
func ClearFailures(ctx context.Context, tx pgx.Tx, email string) error {
	_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1 OR key LIKE $2`,
		"email:"+email, "pair:"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(email)+"|%")
	if err != nil {
		return fmt.Errorf("accounts: clear failed sign-ins: %w", err)
	}
	return nil
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
	err := s.db.QueryRow(ctx, `SELECT id, email, name, role, agency_id, contact_id, active, session_epoch,
		totp_secret IS NOT NULL
		FROM users WHERE id = $1`, id).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch, &u.TwoFactor)
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
