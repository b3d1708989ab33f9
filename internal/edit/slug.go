package edit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"
)

// MaxSlug is the longest a slug may be (the schema's CHECK).
const MaxSlug = 80

// maxSlugBase leaves room under MaxSlug for a "-NN" that makes a slug unique.
const maxSlugBase = 72

// Slug makes the URL name of a name: accents dropped, lower case ASCII letters and digits in
// words joined by single hyphens, apostrophes dropped ("Women's Aid" gives "womens-aid"), "&"
// read as "and", at most 72 characters ending on a whole word where one is near. A name with
// no letters or digits gets fallback.
func Slug(name, fallback string) string {
	var b strings.Builder
	gap := false
	word := func(s string) {
		if gap && b.Len() > 0 {
			b.WriteByte('-')
		}
		gap = false
		b.WriteString(s)
	}
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'' || r == '’' || r == '‘' || r == '`':
			// dropped without a gap: "women's" -> "womens", "é" -> "e"
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word(string(unicode.ToLower(r)))
		case r == '&':
			gap = true
			word("and")
			gap = true
		default:
			gap = true
		}
	}
	s := b.String()
	if len(s) > maxSlugBase {
		s = strings.TrimRight(s[:maxSlugBase], "-")
		if i := strings.LastIndexByte(s, '-'); i > maxSlugBase/2 {
			s = s[:i] // end on a whole word
		}
	}
	if s == "" {
		return fallback
	}
	return s
}

// ValidSlug checks the shape every slug has: ^[a-z0-9]+(-[a-z0-9]+)*$, at most MaxSlug bytes.
// Anything else names nothing, and is never sent to PostgreSQL, which refuses a NUL or invalid
// UTF-8 with an error rather than "no such row".
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlug || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// FreeSlug returns base, or base-2, base-3... whichever no row of table has, archived and
// retired rows included (a slug is never reused, so an old link never points somewhere new),
// skipping reserved words that would read as pages of their own ("new"). It takes a
// transaction lock per table first, so two rows created at once with the same name get
// different slugs rather than a unique-key error; creating rows with slugs is rare.
func FreeSlug(ctx context.Context, tx pgx.Tx, table, base string, reserved ...string) (string, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('dadirectory:slug:' || $1))`, table); err != nil {
		return "", fmt.Errorf("edit: lock %s slugs: %w", table, err)
	}
	rows, err := tx.Query(ctx, `SELECT slug FROM `+pgx.Identifier{table}.Sanitize()+` WHERE slug = $1 OR slug LIKE $2`,
		base, base+"-%") // a slug holds no LIKE wildcards
	if err != nil {
		return "", fmt.Errorf("edit: free %s slug: %w", table, err)
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("edit: free %s slug: %w", table, err)
	}
	used := map[string]bool{}
	for _, s := range taken {
		used[s] = true
	}
	for _, s := range reserved {
		used[s] = true
	}
	if !used[base] {
		return base, nil
	}
	for n := 2; ; n++ {
		if s := base + "-" + strconv.Itoa(n); !used[s] {
			return s, nil
		}
	}
}
