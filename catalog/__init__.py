"""Villages in the programme, producers, curated products, prices and stock."""
