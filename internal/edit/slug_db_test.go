package edit

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
)

func TestFreeSlug(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := db.Exec(ctx, `CREATE TABLE things (slug text UNIQUE);
		INSERT INTO things VALUES ('womens-aid'), ('womens-aid-2'), ('womens-aid-north'), ('new')`); err != nil {
		t.Fatal(err)
	}
	free := func(base string, reserved ...string) string {
		t.Helper()
		var got string
		err := postgres.WithTx(ctx, db, func(tx pgx.Tx) (err error) {
			got, err = FreeSlug(ctx, tx, "things", base, reserved...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, c := range []struct {
		base     string
		reserved []string
		want     string
	}{
		{"womens-aid", nil, "womens-aid-3"},        // base and -2 taken; -north is another name
		{"shotts-hub", nil, "shotts-hub"},          // free as it is
		{"report", []string{"report"}, "report-2"}, // a word the URLs use for a page
		{"new", nil, "new-2"},
	} {
		if got := free(c.base, c.reserved...); got != c.want {
			t.Errorf("FreeSlug(%q, %v) = %q, want %q", c.base, c.reserved, got, c.want)
		}
	}
}
