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

	"github.com/trustelem/zxcvbn"
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

// CheckPassword refuses passwords that are short, enormous, not text, among the most
// commonly breached, or easy to guess by zxcvbn's estimate (a score under 3 of 4: it knows
// 30,000 common passwords, English words and names, keyboard patterns, sequences, repeats and
// dates); personal are the person's own words (name, email) that make a guess easier. Spaces
// and any script are fine: passphrases are encouraged.
func CheckPassword(pw string, personal ...string) error {
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
	if why := guessable(pw, personal); why != "" {
		return &PasswordError{"That password would be easy to guess: " + why + ". Add another word or two that are not about you or this site."}
	}
	return nil
}

// scoredRunes bounds what zxcvbn reads: its matching grows with the square of the length (a
// 1,000-character password took seconds), and a password this long that is still weak at
// its start is weak.
const scoredRunes = 64

// guessable says why pw is easy to guess, or "" when it is not.
func guessable(pw string, personal []string) string {
	if r := []rune(pw); len(r) > scoredRunes {
		pw = string(r[:scoredRunes])
	}
	var inputs []string
	for _, p := range personal {
		// An email's parts are guessed separately: "sam.jones" and "council".
		inputs = append(inputs, strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
			return r == '@' || r == '.' || r == ' ' || r == '_' || r == '-' || r == '(' || r == ')'
		})...)
	}
	// zxcvbn's floor for a long password scores a name with a few digits as fair; a password
	// that is mostly the person's own words is not.
	rest := strings.ToLower(pw)
	for _, in := range inputs {
		if utf8.RuneCountInString(in) >= 3 {
			rest = strings.ReplaceAll(rest, in, "")
		}
	}
	if utf8.RuneCountInString(rest) < 8 && rest != strings.ToLower(pw) {
		return "it is mostly your name or email address"
	}
	res := zxcvbn.PasswordStrength(pw, inputs)
	if res.Score >= 3 {
		return ""
	}
	// The most telling reason among the parts zxcvbn found, most specific first.
	reasons := []struct {
		pattern, dictionary, why string
	}{
		{"dictionary", "user_inputs", "it contains your name or email address"},
		{"spatial", "", "it follows a pattern of keys, like qwerty"},
		{"repeat", "", "it repeats the same letters"},
		{"sequence", "", "it follows a sequence, like abc or 123"},
		{"date", "", "it relies on a date or a year"},
		{"regex", "", "it relies on a date or a year"},
		{"dictionary", "passwords", "it is built on a commonly used password"},
	}
	for _, r := range reasons {
		for _, m := range res.Sequence {
			if m.Pattern == r.pattern && (r.dictionary == "" || m.DictionaryName == r.dictionary) {
				return r.why
			}
		}
	}
	return "it is made of common words or names"
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
