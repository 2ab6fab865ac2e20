#ifndef SWIX_PAGE_SUPPLY_H
#define SWIX_PAGE_SUPPLY_H

/// Whether the page supply is running (see page_supply.c).
int swix_page_supply_active(void);

#endif
