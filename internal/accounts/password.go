// Package accounts holds the people who sign in: their accounts, roles and passwords.
package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's costs. The defaults meet OWASP's minimum (19 MiB, 2 passes).
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultHashParams are used unless configuration says otherwise.
var DefaultHashParams = HashParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

const (
	minPasswordRunes = 12
	maxPasswordBytes = 1024 // a long passphrase is welcome; a megabyte is an attack on the hasher
)

// PasswordError says why a new password is refused, in words a person can act on.
type PasswordError struct{ Message string }

func (e *PasswordError) Error() string { return e.Message }

// CheckPassword refuses passwords that are short, enormous, not text, or among the most
// commonly breached. Spaces and any script are fine: passphrases are encouraged.
func CheckPassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return &PasswordError{"Password contains characters we cannot read."}
	case utf8.RuneCountInString(pw) < minPasswordRunes:
		return &PasswordError{fmt.Sprintf("Password must be at least %d characters. A few words together make a good one.", minPasswordRunes)}
	case len(pw) > maxPasswordBytes:
		return &PasswordError{"Password must be 1,024 characters or fewer."}
	case commonPasswords[strings.ToLower(pw)]:
		return &PasswordError{"That password is one of the most commonly used, so it is easy to guess. Choose another."}
	}
	return nil
}

// HashPassword returns the PHC string of pw under argon2id with params and a random salt.
func HashPassword(pw string, p HashParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("accounts: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("accounts: malformed password hash")

// VerifyPassword reports whether pw matches the PHC string, in constant time, and whether the
// hash was made with parameters other than want (so the caller should rehash).
func VerifyPassword(pw, phc string, want HashParams) (ok, stale bool, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, errBadHash
	}
	var version int
	var p HashParams
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil || p.Threads == 0 || p.Time == 0 {
		return false, false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false, false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != want, nil
}
