"""telesales: call intake at volume, dispositions, daily figures per agent against targets."""
