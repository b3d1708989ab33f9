package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// Where a person is signed in: a row per session (user_sessions), named in the session
// itself, so the person can list their sessions and end the others, and an admin can end all
// of someone's.

// Session is one place a person is signed in.
type Session struct {
	ID        string
	CreatedAt time.Time
	LastSeen  time.Time
	Device    string
	Current   bool // the session asking
}

// StartSession records a new signed-in session for the user, from a browser that sent
// userAgent, and returns its id for the session to hold. Rows of the user's sessions that
// have long expired are cleared here.
func (s *Store) StartSession(ctx context.Context, userID int64, userAgent string) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("accounts: session id: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1 AND last_seen_at < now() - interval '30 days'`, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO user_sessions (id, user_id, device) VALUES ($1, $2, $3)`, id, userID, Device(userAgent))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("accounts: start session: %w", err)
	}
	return id, nil
}

// SessionUser is ByID for a request's session: the user, provided the session's row is still
// there (not ended from elsewhere). It notes the session was seen, at most once a minute.
func (s *Store) SessionUser(ctx context.Context, userID int64, sid string) (User, bool, error) {
	var u User
	var agencyID, contactID *int64
	err := s.db.QueryRow(ctx, `WITH seen AS (
			UPDATE user_sessions SET last_seen_at = now()
			WHERE id = $2 AND user_id = $1 AND last_seen_at < now() - interval '1 minute')
		SELECT u.id, u.email, u.name, u.role, u.agency_id, u.contact_id, u.active, u.session_epoch,
			u.totp_secret IS NOT NULL
		FROM users u JOIN user_sessions x ON x.id = $2 AND x.user_id = u.id WHERE u.id = $1`, userID, sid).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch, &u.TwoFactor)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("accounts: session user %d: %w", userID, err)
	}
	u.AgencyID, u.ContactID = deref(agencyID), deref(contactID)
	return u, true, nil
}

// EndSession ends one session (signing out).
func (s *Store) EndSession(ctx context.Context, sid string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM user_sessions WHERE id = $1`, sid); err != nil {
		return fmt.Errorf("accounts: end session: %w", err)
	}
	return nil
}

// Sessions lists the user's sessions still alive (seen within idle, begun within lifetime),
// newest first, marking current.
func (s *Store) Sessions(ctx context.Context, userID int64, current string, idle, lifetime time.Duration) ([]Session, error) {
	rows, err := s.db.Query(ctx, `SELECT id, created_at, last_seen_at, device FROM user_sessions
		WHERE user_id = $1 AND last_seen_at > now() - $2::interval AND created_at > now() - $3::interval
		ORDER BY last_seen_at DESC, id`, userID, idle.String(), lifetime.String())
	if err != nil {
		return nil, fmt.Errorf("accounts: sessions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) {
		var x Session
		err := r.Scan(&x.ID, &x.CreatedAt, &x.LastSeen, &x.Device)
		x.Current = x.ID == current
		return x, err
	})
}

// EndOtherSessions signs the user out everywhere but the current session, audited; it
// returns how many were ended.
func (s *Store) EndOtherSessions(ctx context.Context, u User, current string) (int, error) {
	var n int64
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1 AND id <> $2`, u.ID, current)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if n == 0 {
			return nil // nothing ended, nothing to record
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "user.end_sessions", EntityType: "user",
			EntityID: u.ID, AgencyID: u.AgencyID, After: map[string]any{"sessions_ended": n, "kept": "this device"}})
	})
	if err != nil {
		return 0, fmt.Errorf("accounts: end other sessions: %w", err)
	}
	return int(n), nil
}

// EndAllSessions is an admin signing a person out everywhere, audited: every session row goes
// and the account's session epoch moves on, so no older session survives either.
func (s *Store) EndAllSessions(ctx context.Context, v access.Viewer, id int64) (Account, int, error) {
	if !v.IsAdmin() {
		return Account{}, 0, edit.ErrNotFound
	}
	var a Account
	var n int64
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if a, err = loadAccount(ctx, tx, id, true); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, id)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "user.end_sessions", EntityType: "user",
			EntityID: id, AgencyID: a.AgencyID, After: map[string]any{"sessions_ended": n}})
	})
	if err != nil {
		return Account{}, 0, err
	}
	return a, int(n), nil
}

// Device describes a browser from its User-Agent in a few words ("Firefox on Windows"); the
// User-Agent itself is not kept.
func Device(ua string) string {
	browser := "A browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "Mac"}, {"CrOS", "Chromebook"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	if system == "" {
		return browser
	}
	return browser + " on " + system
}
