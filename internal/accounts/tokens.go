package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// A one-time link lets a person set their own password: an invitation for a new account, or a
// reset an admin issues. There is no email here: the admin is shown the link once and passes
// it on. The database keeps only a SHA-256 of the token, so nothing stored works as a link,
// and the token travels in the query string, which the access log never writes.

// LinkValidity is how long a link works after it is issued; ResetValidity is how long the
// link a person asks for themselves ("Forgot your password?") works: an hour, since it is
// sent to an inbox someone else may also read.
const (
	LinkValidity  = 72 * time.Hour
	ResetValidity = time.Hour
)

// Purpose says why a link was issued; the setup page words itself by it.
type Purpose string

const (
	PurposeInvite Purpose = "invite"
	PurposeReset  Purpose = "reset"
)

// SetupPath is the path of the page a link opens; the token follows as ?token=.
const SetupPath = "/account/setup"

var (
	// ErrLinkUnknown means no link has that token (mistyped, cut short, or never issued): a
	// not-found, which the setup page answers with its own words.
	ErrLinkUnknown = fmt.Errorf("accounts: no such link: %w", edit.ErrNotFound)
	// ErrLinkGone means the link existed but works no more: used, expired, replaced by a newer
	// one, or its account deactivated.
	ErrLinkGone = errors.New("accounts: link used or expired")
)

// tokenBytes is the randomness of a token: 256 bits, beyond guessing.
const tokenBytes = 32

// newToken returns a fresh token as it goes into a link, and the digest that is stored.
func newToken() (string, []byte, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("accounts: token: %w", err)
	}
	plain := base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain), nil
}

// HashToken is the digest stored for a token.
func HashToken(plain string) []byte {
	sum := sha256.Sum256([]byte(plain))
	return sum[:]
}

// PlausibleToken rejects what cannot be a token before any query: the wrong length or
// alphabet (a link cut short by a mail client, say).
func PlausibleToken(plain string) bool {
	// The decoder skips line breaks, so they are refused here: a token is one unbroken word.
	if len(plain) != base64.RawURLEncoding.EncodedLen(tokenBytes) || strings.ContainsAny(plain, "\r\n") {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(plain)
	return err == nil
}

// Link is a link just issued. Token is shown to the admin once and never stored or logged.
type Link struct {
	UserID    int64
	Purpose   Purpose
	Token     string
	ExpiresAt time.Time
}

// issueLink replaces the user's open links with a new one, inside tx. The audit event says a
// link was issued and until when, never the token.
func issueLink(ctx context.Context, tx pgx.Tx, actorID, userID, agencyID int64, purpose Purpose, validity time.Duration) (Link, error) {
	plain, digest, err := newToken()
	if err != nil {
		return Link{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE user_tokens SET revoked_at = now()
		WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, userID); err != nil {
		return Link{}, fmt.Errorf("accounts: revoke old links: %w", err)
	}
	l := Link{UserID: userID, Purpose: purpose, Token: plain}
	err = tx.QueryRow(ctx, `INSERT INTO user_tokens (user_id, purpose, token_hash, created_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + $5::interval) RETURNING expires_at`,
		userID, string(purpose), digest, nullID(actorID), validity.String()).Scan(&l.ExpiresAt)
	if err != nil {
		return Link{}, fmt.Errorf("accounts: issue link: %w", err)
	}
	l.ExpiresAt = l.ExpiresAt.UTC()
	err = audit.Record(ctx, tx, audit.Event{ActorID: actorID, Action: "user.issue_" + string(purpose) + "_link",
		EntityType: "user", EntityID: userID, AgencyID: agencyID,
		After: map[string]any{"link": string(purpose), "expires_at": l.ExpiresAt}})
	return l, err
}

// revokeLinks ends every open link of the user, inside tx (on deactivation).
func revokeLinks(ctx context.Context, tx pgx.Tx, userID int64) error {
	_, err := tx.Exec(ctx, `UPDATE user_tokens SET revoked_at = now()
		WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, userID)
	if err != nil {
		return fmt.Errorf("accounts: revoke links: %w", err)
	}
	return nil
}

// SetupLink is what the setup page shows about an open link.
type SetupLink struct {
	Purpose   Purpose
	Name      string
	Email     string
	ExpiresAt time.Time
}

// linkState says why a token does not work: ErrLinkUnknown or ErrLinkGone.
func linkState(ctx context.Context, q postgres.Querier, digest []byte) error {
	var found bool
	if err := q.QueryRow(ctx, `SELECT true FROM user_tokens WHERE token_hash = $1`, digest).Scan(&found); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrLinkUnknown
		}
		return fmt.Errorf("accounts: link state: %w", err)
	}
	return ErrLinkGone
}

// openLinkWhere is what makes a link usable: unused, not replaced, in date, and its account
// active. The same condition guards the read for the page and the update that uses it.
const openLinkWhere = `t.token_hash = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
	AND u.id = t.user_id AND u.active`

// LookupLink returns what the setup page shows for token, or ErrLinkUnknown / ErrLinkGone.
// Looking does not use the link up.
func (s *Store) LookupLink(ctx context.Context, token string) (SetupLink, error) {
	if !PlausibleToken(token) {
		return SetupLink{}, ErrLinkUnknown
	}
	digest := HashToken(token)
	var l SetupLink
	err := s.db.QueryRow(ctx, `SELECT t.purpose, u.name, u.email, t.expires_at FROM user_tokens t, users u
		WHERE `+openLinkWhere, digest).Scan(&l.Purpose, &l.Name, &l.Email, &l.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return SetupLink{}, linkState(ctx, s.db, digest)
	}
	if err != nil {
		return SetupLink{}, fmt.Errorf("accounts: look up link: %w", err)
	}
	return l, nil
}

// CompletePassword sets the password of the account the link token is for, uses the link up
// and ends every other session of the account, all in one transaction. The WHERE clause that
// marks the link used is the check that it is still open, so two requests racing with one
// link cannot both succeed. Bad passwords give validate.Errors on "password" and "confirm",
// and the link stays open. It returns the user, to be signed in.
func (s *Store) CompletePassword(ctx context.Context, token, password, confirm string) (User, error) {
	if !PlausibleToken(token) {
		return User{}, ErrLinkUnknown
	}
	digest := HashToken(token)
	var errs validate.Errors
	if password == "" {
		errs.Add("password", "Enter a new password")
	} else if err := CheckPassword(password); err != nil {
		errs.Add("password", err.Error())
	}
	if !errs.Has("password") {
		// The person's own name and email make a password easier to guess.
		if l, err := s.LookupLink(ctx, token); err == nil {
			if err := CheckPassword(password, l.Name, l.Email); err != nil {
				errs.Add("password", err.Error())
			}
		}
	}
	if !errs.Has("password") && confirm != password {
		errs.Add("confirm", "The two passwords do not match. Type the same password in both boxes.")
	}
	if len(errs) > 0 {
		// A dead link should say so before the person chooses a password again.
		if _, err := s.LookupLink(ctx, token); err != nil {
			return User{}, err
		}
		return User{}, errs
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var purpose Purpose
		var tokenID int64
		err := tx.QueryRow(ctx, `UPDATE user_tokens t SET used_at = now() FROM users u
			WHERE `+openLinkWhere+` RETURNING t.id, t.user_id, t.purpose`, digest).Scan(&tokenID, &u.ID, &purpose)
		if errors.Is(err, pgx.ErrNoRows) {
			return linkState(ctx, tx, digest)
		}
		if err != nil {
			return fmt.Errorf("accounts: use link: %w", err)
		}
		var agencyID, contactID *int64
		err = tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1,
				last_login_at = now(), version = version + 1, updated_at = now()
			WHERE id = $1 AND active
			RETURNING email, name, role, agency_id, contact_id, active, session_epoch, totp_secret IS NOT NULL`, u.ID, hash).
			Scan(&u.Email, &u.Name, &u.Role, &agencyID, &contactID, &u.Active, &u.Epoch, &u.TwoFactor)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrLinkGone // deactivated in between: the link died with the account
		}
		if err != nil {
			return fmt.Errorf("accounts: set password: %w", err)
		}
		u.AgencyID, u.ContactID = deref(agencyID), deref(contactID)
		if err := revokeLinks(ctx, tx, u.ID); err != nil {
			return err
		}
		// The person has proved who they are: what anyone tried against the account before
		// does not keep them waiting.
		if err := ClearFailures(ctx, tx, u.Email); err != nil {
			return err
		}
		// The event says which link was used, never the password, its hash or the token.
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "user.set_password", EntityType: "user",
			EntityID: u.ID, AgencyID: u.AgencyID, After: map[string]any{"via": string(purpose) + " link"}})
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// hash hashes a new password under the same bound on concurrent hashing as sign-in.
func (s *Store) hash(ctx context.Context, password string) (string, error) {
	if err := s.hashSlot(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.hashing }()
	return HashPassword(password, s.params)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
