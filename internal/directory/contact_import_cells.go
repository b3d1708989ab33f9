package directory

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/phone"
	"dadirectory/internal/postgres"
)

// How an import reads the cells of a row: numbers, areas, visibility, and which sheet
// column a contact form's error is about.

// columnOrder sorts column names ("C (Phone)", "AB (Notes)") as the sheet's columns go.
func columnOrder(col string) string {
	letters, _, _ := strings.Cut(col, " ")
	return fmt.Sprintf("%4s", letters)
}

// importFieldOf is the sheet field a contact form field's error is about.
func importFieldOf(field string) string {
	switch {
	case field == "role_title", field == "person_name", field == "email":
		return field
	case strings.HasPrefix(field, "phone"), field == "main":
		return "phone"
	case field == "areas":
		return "area"
	case field == "visibility":
		return "visibility"
	}
	return ""
}

var (
	phoneSplit = regexp.MustCompile(`\s*(?:;|/|,|\n|\bor\b)\s*`)
	areaSplit  = regexp.MustCompile(`\s*[;,\n]\s*`)
)

// importPhones reads a cell of numbers: separated by ; / , or "or", each perhaps labelled
// ("Mobile: 07700 900123"). A number the contact already has keeps its label.
func importPhones(cell string, had []Phone) []Phone {
	labels := map[string]string{}
	for _, p := range had {
		if d, err := phone.Normalize(p.Number); err == nil {
			labels[d] = p.Label
		}
	}
	out := []Phone{}
	for _, piece := range phoneSplit.Split(cell, -1) {
		if piece == "" {
			continue
		}
		p := Phone{Number: piece}
		if i := strings.LastIndex(piece, ":"); i > 0 {
			p = Phone{Label: strings.TrimSpace(piece[:i]), Number: strings.TrimSpace(piece[i+1:])}
		}
		if d, err := phone.Normalize(p.Number); err == nil && p.Label == "" {
			p.Label = labels[d]
		}
		out = append(out, p)
	}
	return out
}

// importAreas reads a cell of areas, by name or slug; bad are the ones that name no area.
func importAreas(cell string, areas []Term) (slugs, bad []string) {
	slugs = []string{}
	for _, piece := range areaSplit.Split(cell, -1) {
		if piece == "" {
			continue
		}
		found := ""
		for _, a := range areas {
			if folded(a.Name) == folded(piece) || a.Slug == piece {
				found = a.Slug
			}
		}
		if found == "" {
			bad = append(bad, piece)
		} else if !containsString(slugs, found) {
			slugs = append(slugs, found)
		}
	}
	return slugs, bad
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func termSlugs(terms []Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Slug
	}
	return out
}

// importVisibility reads a visibility cell in the words a sheet may use.
func importVisibility(cell string) (string, bool) {
	switch words(cell) {
	case "public", "everyone", "anyone", "all", "the public":
		return "public", true
	case "staff", "staff only", "signed in staff", "signed in staff only", "internal", "private", "professionals only":
		return "staff", true
	}
	return cell, false
}

// currentAreas are the areas a contact may be given, in the taxonomy's order.
func currentAreas(ctx context.Context, q postgres.Querier) ([]Term, error) {
	rows, err := q.Query(ctx, `SELECT slug, name FROM areas WHERE retired_at IS NULL ORDER BY sort_order, name`)
	if err != nil {
		return nil, wrapEdit("import areas", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Term, error) {
		var t Term
		return t, r.Scan(&t.Slug, &t.Name)
	})
	return out, wrapEdit("import areas", err)
}
