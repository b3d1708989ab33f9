package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Demo sectors: each demo organisation's sector for the training reports, where its kind does
// not say it (the migration gives RSLs, police, health and domestic abuse services theirs).
// Only demo rows are touched, and only when they differ, so an admin's choice on a real
// organisation is never overridden and a second run changes nothing.
var demoSectors = map[string]string{
	"north-lanarkshire-council-housing":              "housing",
	"nlc-housing-domestic-abuse-champions-north":     "housing",
	"nlc-housing-domestic-abuse-champions-south":     "housing",
	"north-lanarkshire-marac":                        "other",
	"nlc-social-work":                                "social_work",
	"nlc-justice-social-work":                        "social_work",
	"nlc-financial-inclusion":                        "other",
	"lanarkshire-family-law-clinic":                  "other",
	"nhs-lanarkshire-gender-based-violence-services": "health",
	"nhs-24":                        "health",
	"breathing-space":               "health",
	"police-scotland-lanarkshire":   "police",
	"citizens-advice-scotland":      "third_sector",
	"victim-support-scotland":       "third_sector",
	"shelter-scotland":              "third_sector",
	"crimestoppers":                 "third_sector",
	"scottish-womens-rights-centre": "third_sector",
	"forced-marriage-unit":          "other",
}

func init() { demoExtras = append(demoExtras, seedSectors) }

func seedSectors(ctx context.Context, tx pgx.Tx) error {
	for slug, sector := range demoSectors {
		if _, err := tx.Exec(ctx, `UPDATE agencies SET sector = $2 WHERE slug = $1 AND demo AND sector IS DISTINCT FROM $2`,
			slug, sector); err != nil {
			return fmt.Errorf("sector of %s: %w", slug, err)
		}
	}
	return nil
}
