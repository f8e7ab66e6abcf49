// The demo catalog `npm start` seeds into its in-process emulator (the emulator's --seed format), and that the
// tests use too: one-time products and monthly/yearly plans, each declaring its features in metadata.
export const DEMO_CATALOG = {
  products: [
    {
      id: 'prod_guide',
      name: 'Starter guide (PDF)',
      description: 'A one-time download',
      metadata: { features: 'guide' },
      prices: [{ lookup_key: 'guide_pdf', unit_amount: 1900, currency: 'usd', default: true }],
    },
    {
      id: 'prod_coffee',
      name: 'Coffee beans 1 kg',
      metadata: { features: '' },
      prices: [{ lookup_key: 'coffee_beans', unit_amount: 2500, currency: 'usd', default: true }],
    },
    {
      id: 'prod_mug',
      name: 'Mug',
      metadata: { features: '' },
      prices: [{ lookup_key: 'mug', unit_amount: 900, currency: 'usd', default: true }],
    },
    {
      id: 'prod_pro',
      name: 'Pro',
      description: 'For professionals',
      metadata: { features: 'sso,audit_log' },
      prices: [
        {
          lookup_key: 'pro_monthly',
          unit_amount: 2000,
          currency: 'usd',
          recurring: { interval: 'month' },
          default: true,
        },
        { lookup_key: 'pro_yearly', unit_amount: 20000, currency: 'usd', recurring: { interval: 'year' } },
      ],
    },
    {
      id: 'prod_team',
      name: 'Team',
      description: 'For teams',
      metadata: { features: 'sso,audit_log,priority_support,seats' },
      prices: [
        {
          lookup_key: 'team_monthly',
          unit_amount: 5000,
          currency: 'usd',
          recurring: { interval: 'month' },
          default: true,
        },
        { lookup_key: 'team_yearly', unit_amount: 50000, currency: 'usd', recurring: { interval: 'year' } },
      ],
    },
  ],
};
