package seed

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Demo sectors: each demo organisation's sector for the training reports: from its kind where
// the kind says it (an RSL, the police, health; domestic abuse services and helplines are the
// third sector), else from this list. Only demo rows are touched (like the rest of the demo
// data, a demo row is the seed's), and only when they differ, so a second run changes nothing.
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
	if _, err := tx.Exec(ctx, `UPDATE agencies SET sector = s.sector FROM (SELECT id, CASE kind
			WHEN 'rsl' THEN 'rsl' WHEN 'police' THEN 'police' WHEN 'health' THEN 'health'
			WHEN 'da_agency' THEN 'third_sector' WHEN 'helpline' THEN 'third_sector' ELSE 'other' END AS sector
			FROM agencies WHERE demo AND NOT (slug = ANY($1))) s
		WHERE agencies.id = s.id AND agencies.sector IS DISTINCT FROM s.sector`, slices.Collect(maps.Keys(demoSectors))); err != nil {
		return fmt.Errorf("sectors: %w", err)
	}
	for slug, sector := range demoSectors {
		if _, err := tx.Exec(ctx, `UPDATE agencies SET sector = $2 WHERE slug = $1 AND demo AND sector IS DISTINCT FROM $2`,
			slug, sector); err != nil {
			return fmt.Errorf("sector of %s: %w", slug, err)
		}
	}
	return nil
}
