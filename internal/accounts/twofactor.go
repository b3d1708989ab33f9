package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// ErrBadCode is the answer to a wrong, expired or already used second-factor code.
var ErrBadCode = errors.New("accounts: code not recognised")

// ErrFactorRequired refuses turning off a second factor the person's role must have.
var ErrFactorRequired = errors.New("accounts: the role requires a second factor")

// Wrong second-factor codes are limited per account: codePerWindow in codeWindow. With three
// time steps accepted, that is about one chance in 70,000 of a guess passing in a window.
const (
	codeWindow    = 15 * time.Minute
	codePerWindow = 5
	totpPeriod    = 30
)

// RecoveryCodeCount is how many single-use recovery codes a person gets.
const RecoveryCodeCount = 10

// NewTOTPKey makes a fresh TOTP secret for the person with email, named for issuer in their
// authenticator app. Nothing is stored until a code from it is confirmed (EnableTOTP).
func NewTOTPKey(issuer, email string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: email, Period: totpPeriod, SecretSize: 20})
}

// cleanCode drops the spaces and dashes people type or paste inside codes.
func cleanCode(code string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code))
}

// matchStep finds the time step (now, or one either side for a clock a little out) whose code
// is code, and returns 0 when none matches or the step is not after last (a code used again).
func matchStep(secret, code string, now time.Time, last int64) int64 {
	code = cleanCode(code)
	if len(code) != 6 {
		return 0
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		if s <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0),
			totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s
		}
	}
	return 0
}

// recoveryAlphabet leaves out characters easily misread (0 and o, 1, l and i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCodes makes RecoveryCodeCount codes of 10 characters from recoveryAlphabet
// (about 50 bits each), written "abcde-fghjk".
func newRecoveryCodes() []string {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		var b [10]byte
		for j := 0; j < len(b); {
			var x [1]byte
			_, _ = rand.Read(x[:]) // never fails (crypto/rand)
			// Bytes from 248 up are dropped, so each character is equally likely.
			if int(x[0]) < 256/len(recoveryAlphabet)*len(recoveryAlphabet) {
				b[j] = recoveryAlphabet[int(x[0])%len(recoveryAlphabet)]
				j++
			}
		}
		codes[i] = string(b[:5]) + "-" + string(b[5:])
	}
	return codes
}

func recoveryHash(code string) []byte {
	h := sha256.Sum256([]byte(cleanCode(code)))
	return h[:]
}

func storeRecoveryCodes(ctx context.Context, tx pgx.Tx, userID int64) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, err
	}
	codes := newRecoveryCodes()
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = recoveryHash(c)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash) SELECT $1, unnest($2::bytea[])`, userID, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// EnableTOTP turns the second factor on for u once code proves their app holds secret, and
// returns the recovery codes to show them once. The step used cannot be used again.
func (s *Store) EnableTOTP(ctx context.Context, u User, secret, code string) ([]string, error) {
	step := matchStep(secret, code, time.Now(), 0)
	if step == 0 {
		return nil, ErrBadCode
	}
	var codes []string
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2, totp_last_step = $3 WHERE id = $1`, u.ID, secret, step); err != nil {
			return err
		}
		var err error
		if codes, err = storeRecoveryCodes(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "auth.two_factor_on", EntityType: "user",
			EntityID: u.ID, AgencyID: u.AgencyID})
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: turn on two-factor: %w", err)
	}
	return codes, nil
}

// checkCodeTx checks code, a TOTP code or an unused recovery code, for the user with id inside
// tx, holding the user's row so two requests with one code cannot both pass. A wrong code is
// counted (login_failures key "code:<id>") and audited in the same transaction, so parallel
// guesses are counted one by one; past the limit it returns a *ThrottledError unchecked.
func checkCodeTx(ctx context.Context, tx pgx.Tx, userID int64, code string) (recovery bool, err error) {
	var secret *string
	var last, agency int64
	if err := tx.QueryRow(ctx, `SELECT totp_secret, totp_last_step, coalesce(agency_id, 0) FROM users WHERE id = $1 FOR UPDATE`,
		userID).Scan(&secret, &last, &agency); err != nil {
		return false, err
	}
	key := "code:" + strconv.FormatInt(userID, 10)
	var nth time.Time
	err = tx.QueryRow(ctx, `SELECT failed_at FROM login_failures WHERE key = $1 AND failed_at > now() - $2::interval
		ORDER BY failed_at DESC OFFSET $3 - 1 LIMIT 1`, key, codeWindow.String(), codePerWindow).Scan(&nth)
	if err == nil {
		return false, &ThrottledError{Wait: time.Until(nth.Add(codeWindow))}
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, err
	}
	if secret != nil {
		if step := matchStep(*secret, code, time.Now(), last); step != 0 {
			_, err := tx.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1`, userID, step)
			return false, err
		}
	}
	if c := cleanCode(code); len(c) == 10 {
		tag, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND hash = $2 AND used_at IS NULL`,
			userID, recoveryHash(c))
		if err != nil {
			return false, err
		}
		if tag.RowsAffected() == 1 {
			return true, audit.Record(ctx, tx, audit.Event{ActorID: userID, Action: "auth.recovery_code_used",
				EntityType: "user", EntityID: userID, AgencyID: agency})
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key) VALUES ($1)`, key); err != nil {
		return false, err
	}
	if err := audit.Record(ctx, tx, audit.Event{ActorID: userID, Action: "auth.sign_in_failed", EntityType: "user",
		EntityID: userID, AgencyID: agency, After: map[string]any{"reason": "wrong code"}}); err != nil {
		return false, err
	}
	return false, ErrBadCode
}

// withCode runs checkCodeTx and then, if the code was right, fn, in one transaction; a wrong
// code's count and audit row are kept (committed) whatever the answer.
func (s *Store) withCode(ctx context.Context, userID int64, code string, fn func(tx pgx.Tx, recovery bool) error) (bool, error) {
	var recovery, bad bool
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		recovery, err = checkCodeTx(ctx, tx, userID, code)
		if errors.Is(err, ErrBadCode) {
			bad = true
			return nil // commit the count
		}
		if err != nil {
			return err
		}
		if fn != nil {
			return fn(tx, recovery)
		}
		return nil
	})
	var throttled *ThrottledError
	switch {
	case bad:
		return false, ErrBadCode
	case errors.As(err, &throttled):
		return false, err
	case err != nil:
		return false, fmt.Errorf("accounts: check code: %w", err)
	}
	return recovery, nil
}

// VerifySecondFactor checks code at sign-in for the user with id: ErrBadCode for a wrong
// one, a *ThrottledError after too many. recovery says a recovery code was used (and is gone).
func (s *Store) VerifySecondFactor(ctx context.Context, userID int64, code string) (recovery bool, err error) {
	return s.withCode(ctx, userID, code, func(tx pgx.Tx, _ bool) error {
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, "code:"+strconv.FormatInt(userID, 10))
		return err
	})
}

// NewRecoveryCodes replaces u's recovery codes once code proves they hold their factor.
func (s *Store) NewRecoveryCodes(ctx context.Context, u User, code string) ([]string, error) {
	var codes []string
	_, err := s.withCode(ctx, u.ID, code, func(tx pgx.Tx, _ bool) error {
		var err error
		if codes, err = storeRecoveryCodes(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "auth.recovery_codes_new", EntityType: "user",
			EntityID: u.ID, AgencyID: u.AgencyID})
	})
	return codes, err
}

// DisableTOTP turns u's second factor off once code proves they hold it. A role that must
// have one (required) gets ErrFactorRequired.
func (s *Store) DisableTOTP(ctx context.Context, u User, code string, required bool) error {
	if required {
		return ErrFactorRequired
	}
	_, err := s.withCode(ctx, u.ID, code, func(tx pgx.Tx, _ bool) error {
		return removeFactor(ctx, tx, u.ID, u.ID, u.AgencyID)
	})
	return err
}

func removeFactor(ctx context.Context, tx pgx.Tx, actor, userID, agency int64) error {
	if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = NULL, totp_last_step = 0 WHERE id = $1`, userID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "auth.two_factor_off", EntityType: "user",
		EntityID: userID, AgencyID: agency})
}

// ResetTwoFactor is an admin taking away a person's second factor (a lost phone and lost
// recovery codes): the factor and codes go, and every session of theirs ends, so they set a
// new one up at their next sign-in when their role needs one.
func (s *Store) ResetTwoFactor(ctx context.Context, v access.Viewer, id int64) (Account, error) {
	if !v.IsAdmin() {
		return Account{}, edit.ErrNotFound
	}
	var a Account
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if a, err = loadAccount(ctx, tx, id, true); err != nil {
			return err
		}
		if !a.TwoFactor {
			return nil
		}
		if err := removeFactor(ctx, tx, v.UserID, id, a.AgencyID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, id)
		return err
	})
	return a, err
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("accounts: recovery codes left: %w", err)
	}
	return n, nil
}
