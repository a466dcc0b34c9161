/* Console selection: drivers are matched by the device tree's compatible string. */
#include <console.h>
#include <kstring.h>
#include <sbi.h>

static const struct uart_driver *const drivers[] = { &uart_ns16550a, &uart_sifive0 };
static const struct uart_driver *active;

bool console_use(const char *compatible, uintptr_t base, uint32_t reg_shift, uint32_t reg_io_width)
{
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        if (strcmp(drivers[i]->compatible, compatible) == 0) {
            drivers[i]->init(base, reg_shift, reg_io_width);
            active = drivers[i];
            return true;
        }
    }
    return false;
}

void console_putc(char c)
{
    if (active) active->putc(c);
    else sbi_legacy_putchar(c);
}

const char *console_name(void)
{
    return active ? active->compatible : "sbi-legacy";
}
