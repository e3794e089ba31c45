//! The catalog of services and the chosen one (`CatalogAdapter`).

use kiosk_core::view::{ScreenId, ServiceView, UiEvent, ViewModel};
use slint::{ComponentHandle, SharedString};

use super::{Wiring, changed, model, s};
use crate::ui_bridge::generated::{self as ui, App, CatalogAdapter};

fn service(v: &ServiceView) -> ui::ServiceData {
    ui::ServiceData {
        id: s(&v.id),
        area_id: s(&v.area_id),
        area: s(&v.area),
        title: s(&v.title),
        summary: s(&v.summary),
        needs: s(&v.needs),
        duration: s(&v.duration),
        desk_only: v.desk_only,
    }
}

/// Services grouped by area, areas in order of first appearance.
fn areas(services: &[ServiceView]) -> Vec<ui::AreaGroup> {
    let mut groups: Vec<(String, String, Vec<ui::ServiceData>)> = Vec::new();
    for v in services {
        match groups.iter_mut().find(|g| g.0 == v.area_id) {
            Some(g) => g.2.push(service(v)),
            None => groups.push((v.area_id.clone(), v.area.clone(), vec![service(v)])),
        }
    }
    groups
        .into_iter()
        .map(|(area_id, area, list)| ui::AreaGroup {
            area_id: s(&area_id),
            area: s(&area),
            services: model(list),
        })
        .collect()
}

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    let g = app.global::<CatalogAdapter>();
    // A new visit to the catalog starts at its top; coming back from a service (its page,
    // form or review) keeps the place.
    if changed(prev, vm, |v| &v.screen)
        && !matches!(
            vm.screen,
            ScreenId::Catalog | ScreenId::ServiceInfo | ScreenId::Form | ScreenId::Review
        )
    {
        g.set_scroll_y(0.0);
    }
    if changed(prev, vm, |v| &v.services) {
        g.set_areas(model(areas(&vm.services)));
    }
    if changed(prev, vm, |v| &v.selected_service) {
        g.set_selected_service(
            vm.selected_service
                .as_ref()
                .map(service)
                .unwrap_or_default(),
        );
    }
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<CatalogAdapter>();
    {
        let w = w.clone();
        g.on_select_service(move |id: SharedString| w.send(UiEvent::SelectService(id.into())));
    }
    {
        let w = w.clone();
        g.on_start_form(move || w.send(UiEvent::StartForm));
    }
}
