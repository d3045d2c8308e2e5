//! resource: the pages' async data, a `LocalResource` whose value type is erased inside.
//!
//! Leptos compiles its async machinery (the `AsyncDerived` behind every `LocalResource`, its
//! futures and wakers) once for every call site's fetcher and value type. [`Res<T>`] keeps a
//! single `LocalResource<Rc<dyn Any>>` inside, so that machinery is compiled once for the
//! whole app; reads downcast back to `T`, which only [`Res::new`] ever stores. Behaviour is a
//! `LocalResource`'s: it tracks what the fetcher reads, refetches when that changes, and a
//! read inside `<Suspense>` suspends until the value is there.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

type Value = Rc<dyn Any>;
type Fetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Value>>>>;

/// A `LocalResource<T>`, stored type-erased.
pub struct Res<T> {
    inner: LocalResource<Value>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Res<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Res<T> {}

impl<T: Clone + 'static> Res<T> {
    /// As `LocalResource::new`: runs `fetcher` now and again whenever a signal it read
    /// changes.
    pub fn new<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        Res {
            inner: erased(Box::new(move || {
                let fut = fetcher();
                Box::pin(async move { Rc::new(fut.await) as Value })
            })),
            ty: PhantomData,
        }
    }

    /// The value once loaded (tracked, like `LocalResource::get`).
    pub fn get(&self) -> Option<T> {
        self.inner.get().map(|v| cast::<T>(&*v).clone())
    }

    /// The value once loaded, without tracking.
    pub fn get_untracked(&self) -> Option<T> {
        self.inner.get_untracked().map(|v| cast::<T>(&*v).clone())
    }
}

fn cast<T: 'static>(v: &dyn Any) -> &T {
    v.downcast_ref::<T>()
        .expect("a Res<T> holds only the T its fetcher returns")
}

/// The one `LocalResource` instantiation of the app.
#[inline(never)]
fn erased(fetch: Fetch) -> LocalResource<Value> {
    LocalResource::new(fetch)
}
