"""The county platform (集约化, contract §7): every member site's catalogue in one site, with one search."""
