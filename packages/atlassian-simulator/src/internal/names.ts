/** Word lists the synthetic organisation draws names, places and jobs from. */

export const firstNames = [
  "Alice",
  "Bruno",
  "Chen",
  "Dana",
  "Elif",
  "Farah",
  "Gustavo",
  "Hana",
  "Ivan",
  "Jonas",
  "Keiko",
  "Liam",
  "Maya",
  "Nikhil",
  "Olga",
  "Pedro",
  "Quinn",
  "Rosa",
  "Sanjay",
  "Tomás",
  "Uma",
  "Victor",
  "Wen",
  "Ximena",
  "Yusuf",
  "Zoë",
  "Amara",
  "Ben",
  "Carmen",
  "Dmitri",
  "Emma",
  "Finn",
  "Grace",
  "Hiro",
  "Ines",
  "Jamal",
  "Kofi",
  "Lena",
  "Mateo",
  "Noor",
  "Oscar",
  "Priya",
  "Rafael",
  "Sofia",
  "Theo",
  "Valentina",
  "Wei",
  "Yara"
] as const

export const lastNames = [
  "Nguyen",
  "Smith",
  "Garcia",
  "Müller",
  "Rossi",
  "Kowalski",
  "Tanaka",
  "Okafor",
  "Silva",
  "Johansson",
  "Dubois",
  "Patel",
  "Kim",
  "O'Brien",
  "Novak",
  "Haddad",
  "Fischer",
  "Jensen",
  "Moreau",
  "Costa",
  "Ivanova",
  "Chen",
  "Murphy",
  "Schmidt",
  "Yilmaz",
  "Andersen",
  "Lopez",
  "Wright",
  "Sato",
  "Mensah",
  "Bianchi",
  "Walsh"
] as const

export const companyAdjectives = [
  "Acme",
  "Blue",
  "Bright",
  "Northern",
  "Quantum",
  "Silver",
  "Summit",
  "Vertex",
  "Harbor",
  "Granite"
] as const

export const companyNouns = [
  "Rockets",
  "Labs",
  "Logistics",
  "Analytics",
  "Robotics",
  "Foods",
  "Energy",
  "Media",
  "Health",
  "Systems"
] as const

export const contractorDomains = [
  "northwind-consulting.example",
  "contoso-partners.example",
  "fabrikam-dev.example",
  "tailspin-agency.example"
] as const

export const publicEmailDomains = ["gmail.com", "outlook.com"] as const

export const identityProviders = ["Okta", "Microsoft Entra ID", "Google Workspace", "OneLogin"] as const

export const departments = [
  {
    name: "Engineering",
    titles: ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager"]
  },
  { name: "Product", titles: ["Product Manager", "Product Designer", "UX Researcher"] },
  { name: "Sales", titles: ["Account Executive", "Sales Engineer", "Sales Manager"] },
  { name: "Support", titles: ["Support Engineer", "Support Team Lead"] },
  { name: "Marketing", titles: ["Content Strategist", "Marketing Manager"] },
  { name: "Finance", titles: ["Financial Analyst", "Controller"] },
  { name: "People", titles: ["HR Business Partner", "Recruiter"] },
  { name: "IT", titles: ["IT Administrator", "Security Engineer"] }
] as const

export const locations = [
  { name: "Sydney", timeZone: "Australia/Sydney" },
  { name: "San Francisco", timeZone: "America/Los_Angeles" },
  { name: "New York", timeZone: "America/New_York" },
  { name: "Amsterdam", timeZone: "Europe/Amsterdam" },
  { name: "Berlin", timeZone: "Europe/Berlin" },
  { name: "London", timeZone: "Europe/London" },
  { name: "Bengaluru", timeZone: "Asia/Kolkata" },
  { name: "São Paulo", timeZone: "America/Sao_Paulo" },
  { name: "Tokyo", timeZone: "Asia/Tokyo" }
] as const

export const teamNames = [
  "platform",
  "payments",
  "mobile",
  "growth",
  "data",
  "infra",
  "security",
  "design-system",
  "billing",
  "search",
  "identity",
  "onboarding",
  "analytics",
  "integrations",
  "reliability",
  "web"
] as const
