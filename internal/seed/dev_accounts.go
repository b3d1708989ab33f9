package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
)

// DevAccount is a demo sign-in that only `dadirectory dev` creates and prints. Production
// deployments never get accounts with known passwords: `seed --demo` does not call this.
type DevAccount struct {
	Email, Password, Name string
	Role                  access.Role
	Org                   string // agency slug of an RSL officer
	ChampionOf            string // role title of the champion contact a champion keeps
}

// DevAccounts are the demo sign-ins, one per role.
var DevAccounts = []DevAccount{
	{Email: "admin@example.org", Password: "demo admin passphrase", Name: "Ada Admin (demo)", Role: access.Admin},
	{Email: "champion@example.org", Password: "demo champion passphrase", Name: "Cam Champion (demo)", Role: access.Champion,
		ChampionOf: "Housing Domestic Abuse Champion – Motherwell"},
	{Email: "housing@example.org", Password: "demo housing passphrase", Name: "Hal Housing (demo)", Role: access.HousingStaff},
	{Email: "rsl@example.org", Password: "demo officer passphrase", Name: "Rae Officer (demo)", Role: access.RSLOfficer,
		Org: "clyde-valley-housing-association"},
}

// EnsureDevAccounts creates the demo sign-ins that are missing, linking the champion to their
// entry. Existing accounts are left as they are.
func EnsureDevAccounts(ctx context.Context, db *pgxpool.Pool, params accounts.HashParams) error {
	for _, a := range DevAccounts {
		id, err := accounts.Create(ctx, db, accounts.NewUser{Email: a.Email, Name: a.Name, Role: a.Role, OrgSlug: a.Org, Password: a.Password}, params)
		if errors.Is(err, accounts.ErrEmailTaken) {
			continue
		}
		if err != nil {
			return fmt.Errorf("seed: dev account %s: %w", a.Email, err)
		}
		if a.ChampionOf != "" {
			if _, err := db.Exec(ctx, `UPDATE users SET contact_id = (SELECT id FROM contacts WHERE role_title = $2 ORDER BY id LIMIT 1)
				WHERE id = $1`, id, a.ChampionOf); err != nil {
				return fmt.Errorf("seed: link champion: %w", err)
			}
		}
	}
	return nil
}
