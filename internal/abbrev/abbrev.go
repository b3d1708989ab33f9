// Package abbrev expands the abbreviations people in the field type into a search (DV, DA,
// LGBT, FGM, MARAC...), so the directory and the resource library find what the words stand
// for. The table lives here, not in a PostgreSQL thesaurus, because a thesaurus needs files
// only root may install.
package abbrev

// Expansions lists what the folded, lower-case query word w may also mean: each alternative
// is a phrase whose words must all match. Nil when w is no abbreviation we know.
func Expansions(w string) []string { return table[w] }

var table = map[string][]string{
	"dv":      {"domestic violence", "domestic abuse"},
	"da":      {"domestic abuse"},
	"gbv":     {"gender based violence"},
	"vaw":     {"violence against women"},
	"lgbt":    {"lgbt", "lesbian", "gay", "bisexual", "transgender", "trans"},
	"lgbtq":   {"lgbt", "lesbian", "gay", "bisexual", "transgender", "trans"},
	"lgbtqi":  {"lgbt", "lesbian", "gay", "bisexual", "transgender", "trans"},
	"lgbtqia": {"lgbt", "lesbian", "gay", "bisexual", "transgender", "trans"},
	"fgm":     {"female genital mutilation"},
	"marac":   {"multi agency risk assessment conference", "risk assessment conference"},
	"mappa":   {"multi agency public protection"},
	"dash":    {"risk identification checklist"},
	"rsl":     {"registered social landlord", "housing association"},
	"hba":     {"honour based abuse"},
	"csa":     {"child sexual abuse"},
	"idaa":    {"independent domestic abuse advocate", "advocacy"},
	"idva":    {"independent domestic violence advisor", "advocacy"},
	"nhs":     {"health"},
	"bme":     {"minority ethnic"},
	"bame":    {"minority ethnic"},
}
